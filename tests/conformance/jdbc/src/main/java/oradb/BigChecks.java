package oradb;

import static oradb.Check.check;
import static oradb.Check.connect;
import static oradb.Check.dropQuietly;
import static oradb.Check.exec;
import static oradb.Check.expect;
import static oradb.Check.expectEq;
import static oradb.Check.scalarLong;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import oracle.ucp.jdbc.PoolDataSource;

/** Volume, cancel and pool checks: the ones that take time. */
final class BigChecks {
  static void fetch100k() {
    check("fetch of 100,000 rows", () -> {
      try (Connection c = connect()) {
        dropQuietly(c, "jd_big");
        exec(c, "create table jd_big (id number, v varchar2(20))");
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("insert into jd_big values (?, ?)")) {
          for (int i = 0; i < 100_000; i++) {
            ps.setInt(1, i);
            ps.setString(2, "v" + i);
            ps.addBatch();
            if (i % 20_000 == 19_999) {
              ps.executeBatch();
            }
          }
        }
        c.commit();
        long start = System.nanoTime();
        try (Statement s = c.createStatement()) {
          s.setFetchSize(1000);
          try (ResultSet rs = s.executeQuery("select id, v from jd_big order by id")) {
            int n = 0;
            while (rs.next()) {
              expectEq(n, rs.getInt(1), "id at row " + n);
              n++;
            }
            expectEq(100_000, n, "rows fetched");
          }
        }
        System.out.printf("info: 100,000 rows fetched in %d ms%n",
            (System.nanoTime() - start) / 1_000_000);
      }
    });
  }

  static void cancel() {
    check("Statement.cancel() of dbms_session.sleep(10)", () -> {
      try (Connection c = connect(); Statement s = c.createStatement()) {
        AtomicReference<Throwable> bg = new AtomicReference<>();
        Thread t = new Thread(() -> {
          try {
            Thread.sleep(500);
            s.cancel();
          } catch (Throwable e) {
            bg.set(e);
          }
        });
        long start = System.nanoTime();
        t.start();
        try {
          s.execute("begin dbms_session.sleep(10); end;");
          throw new AssertionError("sleep finished without ORA-01013");
        } catch (SQLException e) {
          expectEq(1013, e.getErrorCode(), "error code (" + e.getMessage().trim() + ")");
        }
        t.join();
        expect(bg.get() == null, "cancel thread: " + bg.get());
        long ms = (System.nanoTime() - start) / 1_000_000;
        expect(ms < 5000, "cancel took " + ms + " ms");
        expectEq(1L, scalarLong(c, "select 1 from dual"), "connection usable after cancel");
      }
    });
  }

  /**
   * Native network encryption and integrity required by JDBC itself (the server's levels are
   * its defaults, accepted), then two cancels on that session: after each break both ends
   * re-derive their integrity key streams, and the next call must verify.
   */
  static void encryptedCancel() {
    check("native encryption required by JDBC: V$SESSION_CONNECT_INFO, two cancels, then a query",
        () -> {
          Properties p = new Properties();
          p.setProperty("user", "scott");
          p.setProperty("password", "tiger");
          p.setProperty("oracle.net.encryption_client", "REQUIRED");
          p.setProperty("oracle.net.crypto_checksum_client", "REQUIRED");
          try (Connection c = DriverManager.getConnection(Check.easyUrl(), p)) {
            StringBuilder banners = new StringBuilder();
            try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select network_service_banner"
                    + " from v$session_connect_info where sid = sys_context('userenv', 'sid')")) {
              while (rs.next()) {
                banners.append(rs.getString(1)).append('\n');
              }
            }
            expect(banners.indexOf("Encryption service adapter") >= 0
                && banners.indexOf("Crypto-checksumming service adapter") >= 0,
                "session not protected: " + banners);
            for (int i = 1; i <= 2; i++) {
              try (Statement s = c.createStatement()) {
                Thread t = new Thread(() -> {
                  try {
                    Thread.sleep(300);
                    s.cancel();
                  } catch (Exception e) {
                    // The assertion below reports a cancel that did not happen.
                  }
                });
                t.start();
                try {
                  s.execute("begin dbms_session.sleep(10); end;");
                  throw new AssertionError("sleep " + i + " finished without ORA-01013");
                } catch (SQLException e) {
                  expectEq(1013, e.getErrorCode(), "error code (" + e.getMessage().trim() + ")");
                }
                t.join();
              }
              expectEq((long) i * 7, scalarLong(c, "select " + i + " * 7 from dual"),
                  "query after cancel " + i);
            }
          }
        });
  }

  static void pool() {
    check("UCP pool, 8 concurrent users", () -> {
      PoolDataSource pds = Check.pool();
      Check.runConcurrently(8, () -> {
        for (int i = 0; i < 5; i++) {
          try (Connection c = pds.getConnection()) {
            expectEq(7L, scalarLong(c, "select 3 + 4 from dual"), "pooled query");
          }
        }
      });
      expect(pds.getBorrowedConnectionsCount() == 0, "connections left borrowed");
    });
  }

  private BigChecks() {}
}
