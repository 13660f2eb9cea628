// A TypeScript app type-checked against oradb's published types (see check.sh).
import { connect, type Connection, OracleError } from "oradb";

export async function answer(connectString: string): Promise<number> {
  const conn: Connection = await connect({ user: "scott", password: "tiger", connectString });
  try {
    const { rows } = await conn.execute<{ ANSWER: number }>("select 6 * 7 as answer from dual");
    return rows?.[0].ANSWER ?? 0;
  } catch (e) {
    throw e instanceof OracleError ? new Error(e.code) : e;
  } finally {
    await conn.close();
  }
}
