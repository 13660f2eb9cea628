package main

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	go_ora "github.com/sijms/go-ora/v2"
)

func batchAndTransactions() {
	check("array insert of 10,000 rows with counts", func() error {
		db, err := open()
		if err != nil {
			return err
		}
		defer db.Close()
		dropQuietly(db, "go_batch")
		if _, err := db.Exec("create table go_batch (id number primary key, v varchar2(20))"); err != nil {
			return err
		}
		ids := make([]int64, 10_000)
		vs := make([]string, 10_000)
		for i := range ids {
			ids[i], vs[i] = int64(i), fmt.Sprintf("row %d", i)
		}
		res, err := db.Exec("insert into go_batch values (:1, :2)", ids, vs)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 10_000 {
			return fmt.Errorf("RowsAffected %d, %v", n, err)
		}
		return expectScalar(db, 10_000, "select count(*) from go_batch")
	})
	check("commit/rollback visibility across two connections", func() error {
		a, err := open()
		if err != nil {
			return err
		}
		defer a.Close()
		b, err := open()
		if err != nil {
			return err
		}
		defer b.Close()
		dropQuietly(a, "go_vis")
		if _, err := a.Exec("create table go_vis (id number)"); err != nil {
			return err
		}
		tx, err := a.Begin()
		if err != nil {
			return err
		}
		if _, err := tx.Exec("insert into go_vis values (1)"); err != nil {
			return err
		}
		if err := expectScalar(b, 0, "select count(*) from go_vis"); err != nil {
			return fmt.Errorf("uncommitted: %w", err)
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		if err := expectScalar(b, 1, "select count(*) from go_vis"); err != nil {
			return fmt.Errorf("committed: %w", err)
		}
		tx, _ = a.Begin()
		if _, err := tx.Exec("insert into go_vis values (2)"); err != nil {
			return err
		}
		if err := tx.Rollback(); err != nil {
			return err
		}
		return expectScalar(b, 1, "select count(*) from go_vis")
	})
}

func plsql() {
	check("PL/SQL OUT and IN OUT binds", func() error {
		db, err := open()
		if err != nil {
			return err
		}
		defer db.Close()
		var out string
		n := 21
		// go-ora sizes a string OUT bind by its Go value: an empty string
		// is a 0-character buffer, whose value go-ora never reads. Its
		// documented way is go_ora.Out with a Size.
		_, err = db.Exec("begin :1 := 'out ' || :2; :3 := :3 * 2; end;",
			go_ora.Out{Dest: &out, Size: 100}, "x", sql.Out{Dest: &n, In: true})
		if err != nil {
			return err
		}
		if out != "out x" || n != 42 {
			return fmt.Errorf("got %q, %d", out, n)
		}
		return nil
	})
	check("stored procedure with IN OUT, stored function", func() error {
		db, err := open()
		if err != nil {
			return err
		}
		defer db.Close()
		if _, err := db.Exec("create or replace procedure go_twice(x in out number) is begin x := x * 2; end;"); err != nil {
			return err
		}
		if _, err := db.Exec("create or replace function go_add(a number, b number) return number is begin return a + b; end;"); err != nil {
			return err
		}
		n := 21
		if _, err := db.Exec("begin go_twice(:1); end;", sql.Out{Dest: &n, In: true}); err != nil {
			return err
		}
		if n != 42 {
			return fmt.Errorf("procedure: got %d", n)
		}
		var r int
		if _, err := db.Exec("begin :1 := go_add(:2, :3); end;", sql.Out{Dest: &r}, 40, 2); err != nil {
			return err
		}
		if r != 42 {
			return fmt.Errorf("function: got %d", r)
		}
		return expectScalar(db, 5, "select go_add(2, 3) from dual")
	})
}

func bigFetchCancelPool() {
	check("fetch of 100,000 rows", fetch100k)
	check("context cancel of dbms_session.sleep(10)", func() error {
		db, err := open()
		if err != nil {
			return err
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err = db.ExecContext(ctx, "begin dbms_session.sleep(10); end;")
		if err == nil {
			return fmt.Errorf("sleep finished without an error")
		}
		if took := time.Since(start); took > 5*time.Second {
			return fmt.Errorf("cancel took %v (%v)", took, err)
		}
		return expectScalar(db, 1, "select 1 from dual")
	})
	check("database/sql pool, 8 concurrent users", func() error {
		db, err := open()
		if err != nil {
			return err
		}
		defer db.Close()
		db.SetMaxOpenConns(8)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; j < 5; j++ {
					if err := expectScalar(db, 7, "select 3 + 4 from dual"); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		return <-errs
	})
}

func fetch100k() error {
	db, err := open()
	if err != nil {
		return err
	}
	defer db.Close()
	dropQuietly(db, "go_big")
	if _, err := db.Exec("create table go_big (id number, v varchar2(20))"); err != nil {
		return err
	}
	for chunk := 0; chunk < 5; chunk++ {
		ids := make([]int64, 20_000)
		vs := make([]string, 20_000)
		for i := range ids {
			ids[i] = int64(chunk*20_000 + i)
			vs[i] = fmt.Sprintf("v%d", ids[i])
		}
		if _, err := db.Exec("insert into go_big values (:1, :2)", ids, vs); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
	}
	rows, err := db.Query("select id, v from go_big order by id")
	if err != nil {
		return err
	}
	defer rows.Close()
	n := int64(0)
	for rows.Next() {
		var id int64
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			return err
		}
		if id != n {
			return fmt.Errorf("row %d has id %d", n, id)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n != 100_000 {
		return fmt.Errorf("fetched %d rows", n)
	}
	return nil
}
