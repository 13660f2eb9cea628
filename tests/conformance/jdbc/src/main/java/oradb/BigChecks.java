package oradb;

import static oradb.Check.check;
import static oradb.Check.connect;
import static oradb.Check.dropQuietly;
import static oradb.Check.exec;
import static oradb.Check.expect;
import static oradb.Check.expectEq;
import static oradb.Check.scalarLong;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
