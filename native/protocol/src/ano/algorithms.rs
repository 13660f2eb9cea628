//! Algorithm ids as they appear in the encryption and integrity offers, and
//! the subset this crate implements.

/// Encryption algorithms we implement (AES in Oracle's CBC framing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encryption {
    Aes128,
    Aes192,
    Aes256,
}

impl Encryption {
    /// Strongest first: the order a server prefers and a client offers.
    pub const ALL: [Encryption; 3] = [Encryption::Aes256, Encryption::Aes192, Encryption::Aes128];

    pub fn id(self) -> u8 {
        match self {
            Encryption::Aes128 => 15,
            Encryption::Aes192 => 16,
            Encryption::Aes256 => 17,
        }
    }

    pub fn from_id(id: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.id() == id)
    }

    /// The sqlnet.ora name (`SQLNET.ENCRYPTION_TYPES_*`).
    pub fn name(self) -> &'static str {
        match self {
            Encryption::Aes128 => "AES128",
            Encryption::Aes192 => "AES192",
            Encryption::Aes256 => "AES256",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name.trim()))
    }

    pub fn key_len(self) -> usize {
        match self {
            Encryption::Aes128 => 16,
            Encryption::Aes192 => 24,
            Encryption::Aes256 => 32,
        }
    }
}

/// Integrity (crypto-checksum) algorithms we implement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Integrity {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Integrity {
    /// Strongest first.
    pub const ALL: [Integrity; 4] = [
        Integrity::Sha512,
        Integrity::Sha384,
        Integrity::Sha256,
        Integrity::Sha1,
    ];

    pub fn id(self) -> u8 {
        match self {
            Integrity::Sha1 => 3,
            Integrity::Sha512 => 4,
            Integrity::Sha256 => 5,
            Integrity::Sha384 => 6,
        }
    }

    pub fn from_id(id: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.id() == id)
    }

    /// The sqlnet.ora name (`SQLNET.CRYPTO_CHECKSUM_TYPES_*`).
    pub fn name(self) -> &'static str {
        match self {
            Integrity::Sha1 => "SHA1",
            Integrity::Sha256 => "SHA256",
            Integrity::Sha384 => "SHA384",
            Integrity::Sha512 => "SHA512",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name.trim()))
    }

    /// Digest length: the bytes each packet grows by.
    pub fn mac_len(self) -> usize {
        match self {
            Integrity::Sha1 => 20,
            Integrity::Sha256 => 32,
            Integrity::Sha384 => 48,
            Integrity::Sha512 => 64,
        }
    }
}

/// Name of any id seen in an offer, including the ones we do not implement
/// (names from OCI 19.3's client trace), for logs and admin output.
pub fn encryption_name(id: u8) -> &'static str {
    match id {
        0 => "none",
        1 => "RC4_40",
        2 => "DES",
        3 => "DES40",
        6 => "RC4_256",
        8 => "RC4_56",
        10 => "RC4_128",
        11 => "3DES112",
        12 => "3DES168",
        15 => "AES128",
        16 => "AES192",
        17 => "AES256",
        _ => "unknown",
    }
}

/// Name of any integrity id seen in an offer.
pub fn integrity_name(id: u8) -> &'static str {
    match id {
        0 => "none",
        1 => "MD5",
        3 => "SHA1",
        4 => "SHA512",
        5 => "SHA256",
        6 => "SHA384",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names_match_the_oci_offer() {
        // OCI 19.3's offers, named as its client trace names them.
        let enc: Vec<_> = [0x00, 0x11, 0x06, 0x10, 0x0C, 0x0F]
            .iter()
            .map(|&i| encryption_name(i))
            .collect();
        assert_eq!(
            enc,
            ["none", "AES256", "RC4_256", "AES192", "3DES168", "AES128"]
        );
        let int: Vec<_> = [0, 3, 1, 4, 5, 6]
            .iter()
            .map(|&i| integrity_name(i))
            .collect();
        assert_eq!(int, ["none", "SHA1", "MD5", "SHA512", "SHA256", "SHA384"]);
        for a in Encryption::ALL {
            assert_eq!(Encryption::from_id(a.id()), Some(a));
            assert_eq!(Encryption::from_name(&a.name().to_lowercase()), Some(a));
        }
        for a in Integrity::ALL {
            assert_eq!(Integrity::from_id(a.id()), Some(a));
            assert_eq!(integrity_name(a.id()), a.name());
        }
        assert_eq!(Encryption::from_id(6), None);
        assert_eq!(Integrity::from_id(1), None);
    }
}
