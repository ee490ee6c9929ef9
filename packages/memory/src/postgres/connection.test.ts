import { createPool } from './connection';
import { describeWithPostgres, useTestDatabase } from '../testing';

describeWithPostgres('createPool', () => {
  const database = useTestDatabase();

  it('survives the server ending an idle connection: the process goes on and the next query reconnects', async () => {
    const pool = createPool(database().url, { applicationName: 'longvid-connection-test' });
    const admin = createPool(database().url);
    try {
      const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      // node-postgres emits the idle client's error on the pool (an uncaught exception without a
      // listener) and removes the client; createPool's own listener keeps the process alive.
      for (let waited = 0; pool.totalCount > 0 && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(pool.totalCount).toBe(0);
      const again = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      expect(again.rows[0].pid).not.toBe(rows[0].pid);
    } finally {
      await pool.end();
      await admin.end();
    }
  });
});
