//! Negotiation as pure functions: the outcome of a client level against a
//! server level (Oracle's table, "Negotiating Encryption and Integrity" in
//! the Net Services security guide) and the algorithm a server picks.
//!
//! The client's level is not sent as such: it is where id 0 ("none") sits in
//! its offer. Rejected offers `[0]`, accepted puts 0 first, requested puts it
//! last, required leaves it out (go-ora builds its offer this way; OCI 19.3
//! at its default, accepted, sends 0 first).

use std::fmt;

/// `SQLNET.ENCRYPTION_*` / `SQLNET.CRYPTO_CHECKSUM_*` levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Rejected,
    Accepted,
    Requested,
    Required,
}

impl Level {
    /// Parses a sqlnet.ora value, case-insensitively.
    pub fn parse(s: &str) -> Option<Level> {
        match s.trim().to_ascii_lowercase().as_str() {
            "rejected" => Some(Level::Rejected),
            "accepted" => Some(Level::Accepted),
            "requested" => Some(Level::Requested),
            "required" => Some(Level::Required),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Rejected => "rejected",
            Level::Accepted => "accepted",
            Level::Requested => "requested",
            Level::Required => "required",
        })
    }
}

/// ORA-12660: encryption or crypto-checksumming parameters incompatible.
pub const ORA_INCOMPATIBLE: u32 = 12660;
/// ORA-12650: no common encryption or data integrity algorithm.
pub const ORA_NO_COMMON_ALGORITHM: u32 = 12650;

/// What a pair of levels means for one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelOutcome {
    Off,
    /// On if the two sides share an algorithm.
    On,
    /// The connection fails with ORA-12660.
    Incompatible,
}

/// Oracle's table of client level against server level.
pub fn level_outcome(client: Level, server: Level) -> LevelOutcome {
    use Level::*;
    match (client, server) {
        (Rejected, Required) | (Required, Rejected) => LevelOutcome::Incompatible,
        (Rejected, _) | (_, Rejected) | (Accepted, Accepted) => LevelOutcome::Off,
        _ => LevelOutcome::On,
    }
}

/// The offer a client sends for its level and its algorithms (in its order
/// of preference, without 0).
pub fn client_offer(level: Level, algorithms: &[u8]) -> Vec<u8> {
    let algs = algorithms.iter().copied().filter(|&a| a != 0);
    match level {
        Level::Rejected => vec![0],
        Level::Accepted => std::iter::once(0).chain(algs).collect(),
        Level::Requested => algs.chain(std::iter::once(0)).collect(),
        Level::Required => algs.collect(),
    }
}

/// The client's level as its offer shows it. An empty offer is read as
/// rejected: it allows nothing but "none" either.
pub fn client_level(offer: &[u8]) -> Level {
    match offer.iter().position(|&a| a == 0) {
        _ if offer.iter().all(|&a| a == 0) => Level::Rejected,
        None => Level::Required,
        Some(0) => Level::Accepted,
        Some(_) => Level::Requested,
    }
}

/// The server's decision for one service: `Ok(0)` for off, `Ok(id)` for the
/// first algorithm in the server's preference order that the client offers,
/// or the ORA error number to refuse the connection with.
pub fn choose(offer: &[u8], server_level: Level, server_prefs: &[u8]) -> Result<u8, u32> {
    let client = client_level(offer);
    match level_outcome(client, server_level) {
        LevelOutcome::Off => Ok(0),
        LevelOutcome::Incompatible => Err(ORA_INCOMPATIBLE),
        LevelOutcome::On => {
            let common = server_prefs
                .iter()
                .copied()
                .find(|a| *a != 0 && offer.contains(a));
            match common {
                Some(a) => Ok(a),
                None if client == Level::Required || server_level == Level::Required => {
                    Err(ORA_NO_COMMON_ALGORITHM)
                }
                None => Ok(0),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Level::*;
    use super::*;

    const ALL: [Level; 4] = [Rejected, Accepted, Requested, Required];

    #[test]
    fn oracle_table_for_every_pair() {
        use LevelOutcome::{Incompatible as E, Off, On};
        // Rows: client level; columns: server level (same order as ALL).
        let table = [
            [Off, Off, Off, E],
            [Off, Off, On, On],
            [Off, On, On, On],
            [E, On, On, On],
        ];
        for (ci, c) in ALL.iter().enumerate() {
            for (si, s) in ALL.iter().enumerate() {
                assert_eq!(
                    level_outcome(*c, *s),
                    table[ci][si],
                    "client {c}, server {s}"
                );
            }
        }
    }

    #[test]
    fn offer_and_level_agree_for_every_level() {
        for l in ALL {
            assert_eq!(client_level(&client_offer(l, &[17, 15])), l);
        }
        assert_eq!(client_offer(Requested, &[17, 0, 15]), [17, 15, 0]);
        // OCI 19.3's default offer is "accepted", its REJECTED offer `[0]`.
        assert_eq!(client_level(&[0x00, 0x11, 0x06, 0x10]), Accepted);
        assert_eq!(client_level(&[0]), Rejected);
        assert_eq!(client_level(&[]), Rejected);
    }

    #[test]
    fn server_preference_wins_among_the_client_offer() {
        let offer = client_offer(Accepted, &[15, 16, 17]);
        assert_eq!(choose(&offer, Required, &[17, 16, 15]), Ok(17));
        assert_eq!(choose(&offer, Requested, &[16, 17]), Ok(16));
        assert_eq!(choose(&offer, Accepted, &[17]), Ok(0));
    }

    #[test]
    fn refusals_carry_their_ora_numbers() {
        assert_eq!(choose(&[0], Required, &[17]), Err(ORA_INCOMPATIBLE));
        assert_eq!(choose(&[17], Rejected, &[17]), Err(ORA_INCOMPATIBLE));
        assert_eq!(
            choose(&[15], Requested, &[17]),
            Err(ORA_NO_COMMON_ALGORITHM)
        );
        assert_eq!(
            choose(&[0, 15], Required, &[17]),
            Err(ORA_NO_COMMON_ALGORITHM)
        );
        // Neither side insists: no common algorithm just means off.
        assert_eq!(choose(&[15, 0], Requested, &[17]), Ok(0));
    }
}
