package oradb;

import static oradb.Check.check;
import static oradb.Check.connect;
import static oradb.Check.dropQuietly;
import static oradb.Check.exec;
import static oradb.Check.expect;
import static oradb.Check.expectEq;
import static oradb.Check.expectOra;
import static oradb.Check.scalarLong;

import java.math.BigDecimal;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Arrays;
import oracle.ucp.jdbc.PoolDataSource;

/** The checklist of issue 12, in the order a new user would try it. */
final class Checks {
  static void all() {
    connects();
    types();
    batchAndTransactions();
    plsql();
    bigFetchCancelPool();
  }

  static void connects() {
    check("easy connect + select 1", () -> {
      try (Connection c = connect()) {
        expectEq(1L, scalarLong(c, "select 1 from dual"), "select 1");
      }
    });
    check("descriptor connect", () -> {
      try (Connection c = connect(Check.descriptorUrl(Check.service), "tiger")) {
        expectEq(2L, scalarLong(c, "select 2 from dual"), "select 2");
      }
    });
    check("wrong password is ORA-01017", () ->
        expectOra(1017, () -> connect(Check.easyUrl(), "wrong").close()));
    check("unknown service is ORA-12514", () ->
        expectOra(12514, () -> connect(Check.descriptorUrl("NOSUCHSVC"), "tiger").close()));
    check("database product version (OVERSION)", () -> {
      try (Connection c = connect()) {
        String v = c.getMetaData().getDatabaseProductVersion();
        expect(v != null && !v.isEmpty(), "empty product version");
        expectEq(23, c.getMetaData().getDatabaseMajorVersion(), "major version");
      }
    });
  }

  static void types() {
    check("scalar types incl. NULL round trip", () -> {
      try (Connection c = connect()) {
        dropQuietly(c, "jd_types");
        exec(c, "create table jd_types (id number(9), n number, v varchar2(100), d date,"
            + " ts timestamp, r raw(16), bd binary_double)");
        String ins = "insert into jd_types values (?, ?, ?, ?, ?, ?, ?)";
        Object[] full = {1, new BigDecimal("123.45"), "héllo", Check.ts("2024-02-29 13:14:15"),
            Check.ts("2024-02-29 13:14:15.123456"), new byte[] {1, 2, 3}, 1.5d};
        try (PreparedStatement ps = c.prepareStatement(ins)) {
          for (int i = 0; i < full.length; i++) {
            ps.setObject(i + 1, full[i]);
          }
          ps.executeUpdate();
          ps.setInt(1, 2);
          for (int i = 2; i <= full.length; i++) {
            ps.setNull(i, i == 3 ? Types.VARCHAR : Types.NUMERIC);
          }
          ps.executeUpdate();
        }
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("select n, v, d, ts, r, bd from jd_types order by id")) {
          expect(rs.next(), "row 1");
          expectEq(0, new BigDecimal("123.45").compareTo(rs.getBigDecimal(1)), "number");
          expectEq("héllo", rs.getString(2), "varchar2");
          expectEq(Check.ts("2024-02-29 13:14:15"), rs.getTimestamp(3), "date");
          expectEq(Check.ts("2024-02-29 13:14:15.123456"), rs.getTimestamp(4), "timestamp");
          expect(Arrays.equals(new byte[] {1, 2, 3}, rs.getBytes(5)), "raw");
          expectEq(1.5d, rs.getDouble(6), "binary_double");
          expect(rs.next(), "row 2");
          for (int i = 1; i <= 6; i++) {
            expectEq(null, rs.getObject(i), "NULL in column " + i);
          }
        }
      }
    });
    check("TIMESTAMP WITH TIME ZONE with the JVM in Europe/Paris (a region session)", () -> {
      // JDBC sends its JVM's zone at logon as a region name: zone-less values in a TSTZ column
      // take that region's offset for their date, zoned ones keep theirs.
      java.util.TimeZone before = java.util.TimeZone.getDefault();
      java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Europe/Paris"));
      try (Connection c = connect()) {
        dropQuietly(c, "jd_tstz");
        exec(c, "create table jd_tstz (id number, t timestamp with time zone)");
        java.sql.Timestamp summer = java.sql.Timestamp.valueOf("2024-07-01 12:00:00");
        java.time.OffsetDateTime kolkata =
            java.time.OffsetDateTime.parse("2024-07-04T09:00:00+05:30");
        try (PreparedStatement ps = c.prepareStatement("insert into jd_tstz values (?, ?)")) {
          ps.setInt(1, 1);
          ps.setTimestamp(2, summer);
          ps.executeUpdate();
          ps.setInt(1, 2);
          ps.setObject(2, kolkata);
          ps.executeUpdate();
        }
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("select t from jd_tstz order by id")) {
          expect(rs.next(), "row 1");
          java.time.OffsetDateTime t1 = rs.getObject(1, java.time.OffsetDateTime.class);
          expectEq(summer.toInstant(), t1.toInstant(), "a local Timestamp keeps its instant");
          expectEq(7200, t1.getOffset().getTotalSeconds(), "Paris in July is +02:00");
          expect(rs.next(), "row 2");
          java.time.OffsetDateTime t2 = rs.getObject(1, java.time.OffsetDateTime.class);
          expectEq(kolkata, t2, "an OffsetDateTime keeps its offset");
        }
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("select systimestamp from dual")) {
          expect(rs.next(), "systimestamp");
          long skew = Math.abs(rs.getObject(1, java.time.OffsetDateTime.class).toInstant()
              .toEpochMilli() - System.currentTimeMillis());
          expect(skew < 60_000, "SYSTIMESTAMP is now, skew " + skew + " ms");
        }
      } finally {
        java.util.TimeZone.setDefault(before);
      }
    });
    check("exact NUMBER round trips", () -> {
      try (Connection c = connect()) {
        dropQuietly(c, "jd_nums");
        exec(c, "create table jd_nums (id number, n number)");
        BigDecimal[] nums = Check.exactNumbers();
        try (PreparedStatement ps = c.prepareStatement("insert into jd_nums values (?, ?)")) {
          for (int i = 0; i < nums.length; i++) {
            ps.setInt(1, i);
            ps.setBigDecimal(2, nums[i]);
            ps.executeUpdate();
          }
        }
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("select n from jd_nums order by id")) {
          for (BigDecimal want : nums) {
            expect(rs.next(), "row for " + want);
            BigDecimal got = rs.getBigDecimal(1);
            expect(want.compareTo(got) == 0, "expected " + want + ", got " + got);
          }
        }
      }
    });
  }

  static void batchAndTransactions() {
    check("batch insert of 10,000 rows with counts", () -> {
      try (Connection c = connect()) {
        dropQuietly(c, "jd_batch");
        exec(c, "create table jd_batch (id number primary key, v varchar2(20))");
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("insert into jd_batch values (?, ?)")) {
          for (int i = 0; i < 10_000; i++) {
            ps.setInt(1, i);
            ps.setString(2, "row " + i);
            ps.addBatch();
          }
          int[] counts = ps.executeBatch();
          expectEq(10_000, counts.length, "count entries");
          expect(Arrays.stream(counts).allMatch(n -> n == 1 || n == Statement.SUCCESS_NO_INFO),
              "every count is 1");
        }
        c.commit();
        expectEq(10_000L, scalarLong(c, "select count(*) from jd_batch"), "rows");
      }
    });
    check("commit/rollback visibility across two connections", () -> {
      try (Connection a = connect(); Connection b = connect()) {
        dropQuietly(a, "jd_vis");
        exec(a, "create table jd_vis (id number)");
        a.setAutoCommit(false);
        exec(a, "insert into jd_vis values (1)");
        expectEq(0L, scalarLong(b, "select count(*) from jd_vis"), "uncommitted seen");
        a.commit();
        expectEq(1L, scalarLong(b, "select count(*) from jd_vis"), "committed not seen");
        exec(a, "insert into jd_vis values (2)");
        a.rollback();
        expectEq(1L, scalarLong(b, "select count(*) from jd_vis"), "rolled back seen");
      }
    });
  }

  static void plsql() {
    check("PL/SQL OUT and IN OUT binds", () -> {
      try (Connection c = connect();
          CallableStatement cs = c.prepareCall("begin ? := 'out ' || ?; ? := ? * 2; end;")) {
        cs.registerOutParameter(1, Types.VARCHAR);
        cs.setString(2, "x");
        cs.registerOutParameter(3, Types.NUMERIC);
        cs.setInt(4, 21);
        cs.execute();
        expectEq("out x", cs.getString(1), "OUT varchar2");
        expectEq(42, cs.getInt(3), "OUT number");
      }
    });
    check("stored procedure with IN OUT, stored function", () -> {
      try (Connection c = connect()) {
        exec(c, "create or replace procedure jd_twice(x in out number) is begin x := x * 2; end;");
        exec(c, "create or replace function jd_add(a number, b number) return number is"
            + " begin return a + b; end;");
        try (CallableStatement cs = c.prepareCall("{call jd_twice(?)}")) {
          cs.registerOutParameter(1, Types.NUMERIC);
          cs.setInt(1, 21);
          cs.execute();
          expectEq(42, cs.getInt(1), "IN OUT through a procedure");
        }
        try (CallableStatement cs = c.prepareCall("{? = call jd_add(?, ?)}")) {
          cs.registerOutParameter(1, Types.NUMERIC);
          cs.setInt(2, 40);
          cs.setInt(3, 2);
          cs.execute();
          expectEq(42, cs.getInt(1), "function result");
        }
        expectEq(5L, scalarLong(c, "select jd_add(2, 3) from dual"), "function in SQL");
      }
    });
  }

  static void bigFetchCancelPool() {
    BigChecks.fetch100k();
    BigChecks.cancel();
    BigChecks.encryptedCancel();
    BigChecks.pool();
  }

  private Checks() {}
}
