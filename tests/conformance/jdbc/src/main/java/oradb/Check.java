package oradb;

import java.math.BigDecimal;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import oracle.ucp.jdbc.PoolDataSource;
import oracle.ucp.jdbc.PoolDataSourceFactory;

/**
 * Conformance checks: unmodified Oracle JDBC Thin (ojdbc11) against oradb-testserver.
 *
 * <p>Usage: {@code java oradb.Check HOST:PORT SERVICE}. Prints {@code FAIL name: why} for each
 * failed check and ends with {@code jdbc: N passed, M failed}. Every check runs even when an
 * earlier one failed, so one defect does not hide the others.
 */
public final class Check {
  interface Body {
    void run() throws Exception;
  }

  static String host;
  static String port;
  static String service;
  static int passed;
  static int failed;

  public static void main(String[] args) throws Exception {
    String[] hp = args[0].split(":");
    host = hp[0];
    port = hp[1];
    service = args.length > 1 ? args[1] : "FREEPDB1";
    // Turn a hang into an error; neither changes anything on the wire.
    System.setProperty("oracle.net.CONNECT_TIMEOUT", "15000");
    System.setProperty("oracle.jdbc.ReadTimeout", "60000");
    // The driver dumps its diagnostics to stderr on the first failure; FAIL lines say enough.
    System.setProperty("oracle.jdbc.diagnostic.enableDiagnoseFirstFailure", "false");
    Checks.all();
    System.out.println("jdbc: " + passed + " passed, " + failed + " failed");
    System.exit(0);
  }

  static void check(String name, Body body) {
    try {
      body.run();
      passed++;
    } catch (Throwable e) {
      failed++;
      System.out.println("FAIL " + name + ": " + describe(e));
    }
  }

  static String describe(Throwable e) {
    StringBuilder b = new StringBuilder(String.valueOf(e));
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      b.append(" <- ").append(c);
    }
    StackTraceElement[] st = e.getStackTrace();
    if (st.length > 0 && !(e instanceof AssertionError)) {
      b.append(" at ").append(st[0]);
    }
    return b.toString().replace('\n', ' ');
  }

  static String easyUrl() {
    return "jdbc:oracle:thin:@//" + host + ":" + port + "/" + service;
  }

  static String descriptorUrl(String svc) {
    return "jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=" + host + ")(PORT=" + port
        + "))(CONNECT_DATA=(SERVICE_NAME=" + svc + ")))";
  }

  static Connection connect() throws SQLException {
    return connect(easyUrl(), "tiger");
  }

  static Connection connect(String url, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "scott");
    p.setProperty("password", password);
    return DriverManager.getConnection(url, p);
  }

  static void expect(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }

  static void expectEq(Object want, Object got, String what) {
    if (want == null ? got != null : !want.equals(got)) {
      throw new AssertionError(what + ": expected " + want + ", got " + got);
    }
  }

  /** Runs {@code fn}, which must fail with ORA-{@code code}. */
  static void expectOra(int code, Body fn) throws Exception {
    try {
      fn.run();
    } catch (SQLException e) {
      expectEq(code, e.getErrorCode(), "error code (" + e.getMessage().trim() + ")");
      return;
    }
    throw new AssertionError("expected ORA-" + code + ", nothing raised");
  }

  static long scalarLong(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      expect(rs.next(), "no row from " + sql);
      return rs.getLong(1);
    }
  }

  /** Drops a table left by an earlier run, ignoring "does not exist". */
  static void dropQuietly(Connection c, String table) {
    try (Statement s = c.createStatement()) {
      s.execute("drop table " + table);
    } catch (SQLException e) {
      // absent: nothing to drop
    }
  }

  static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static BigDecimal[] exactNumbers() {
    return Arrays.stream(
            new String[] {
              "0", "0.1", "-1", "12345678901234567890123456789012345678", "1E-130",
              "-9.99999999999999999999999999999999999999E125", "3.14159265358979323846"
            })
        .map(BigDecimal::new)
        .toArray(BigDecimal[]::new);
  }

  static Timestamp ts(String s) {
    return Timestamp.valueOf(s);
  }

  static List<Object> row(ResultSet rs, int n) throws SQLException {
    List<Object> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(rs.getObject(i));
    }
    return out;
  }

  static void runConcurrently(int n, Body body) throws Exception {
    ExecutorService ex = Executors.newFixedThreadPool(n);
    try {
      List<Future<Object>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        fs.add(ex.submit(() -> {
          body.run();
          return null;
        }));
      }
      for (Future<Object> f : fs) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      ex.shutdownNow();
    }
  }

  static PoolDataSource pool() throws SQLException {
    PoolDataSource pds = PoolDataSourceFactory.getPoolDataSource();
    pds.setConnectionFactoryClassName("oracle.jdbc.pool.OracleDataSource");
    pds.setURL(easyUrl());
    pds.setUser("scott");
    pds.setPassword("tiger");
    pds.setInitialPoolSize(2);
    pds.setMaxPoolSize(8);
    return pds;
  }

  static void callProc(Connection c, String sql, int outType, Object in, Object want)
      throws SQLException {
    try (CallableStatement cs = c.prepareCall(sql)) {
      cs.setObject(1, in);
      cs.registerOutParameter(2, outType);
      cs.execute();
      expectEq(want, cs.getObject(2), sql);
    }
  }

  static int typesNull() {
    return Types.NULL;
  }

  private Check() {}
}
