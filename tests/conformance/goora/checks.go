package main

import (
	"bytes"
	"database/sql"
	"fmt"
	"time"

	go_ora "github.com/sijms/go-ora/v2"
)

func connects() {
	check("easy connect + select 1", func() error {
		db, err := open()
		if err != nil {
			return err
		}
		defer db.Close()
		return expectScalar(db, 1, "select 1 from dual")
	})
	check("descriptor connect", func() error {
		db, err := sql.Open("oracle", descriptorURL())
		if err != nil {
			return err
		}
		defer db.Close()
		return expectScalar(db, 2, "select 2 from dual")
	})
	check("wrong password is ORA-01017", func() error {
		return expectOra(1017, func() error {
			db, err := sql.Open("oracle", url("wrong", service))
			if err != nil {
				return err
			}
			defer db.Close()
			return db.Ping()
		})
	})
	check("unknown service is ORA-12514", func() error {
		return expectOra(12514, func() error {
			db, err := sql.Open("oracle", url("tiger", "NOSUCHSVC"))
			if err != nil {
				return err
			}
			defer db.Close()
			return db.Ping()
		})
	})
}

func types() {
	check("scalar types incl. NULL round trip", func() error {
		db, err := open()
		if err != nil {
			return err
		}
		defer db.Close()
		dropQuietly(db, "go_types")
		if _, err := db.Exec("create table go_types (id number(9), n number, v varchar2(100), d date, r raw(16), bd binary_double)"); err != nil {
			return err
		}
		d := time.Date(2024, 2, 29, 13, 14, 15, 0, time.UTC)
		if _, err := db.Exec("insert into go_types values (:1, :2, :3, :4, :5, :6)", 1, 123.5, "héllo", d, []byte{1, 2, 3}, 1.5); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
		if _, err := db.Exec("insert into go_types values (:1, :2, :3, :4, :5, :6)", 2, nil, nil, nil, nil, nil); err != nil {
			return fmt.Errorf("insert nulls: %w", err)
		}
		var n, bd sql.NullFloat64
		var v sql.NullString
		var dt sql.NullTime
		var r []byte
		row := db.QueryRow("select n, v, d, r, bd from go_types where id = 1")
		if err := row.Scan(&n, &v, &dt, &r, &bd); err != nil {
			return fmt.Errorf("select: %w", err)
		}
		if n.Float64 != 123.5 || v.String != "héllo" || !dt.Time.Equal(d) || !bytes.Equal(r, []byte{1, 2, 3}) || bd.Float64 != 1.5 {
			return fmt.Errorf("got %v %v %v %x %v", n, v, dt, r, bd)
		}
		row = db.QueryRow("select n, v, d, r, bd from go_types where id = 2")
		if err := row.Scan(&n, &v, &dt, &r, &bd); err != nil {
			return fmt.Errorf("select nulls: %w", err)
		}
		if n.Valid || v.Valid || dt.Valid || r != nil || bd.Valid {
			return fmt.Errorf("expected NULLs, got %v %v %v %x %v", n, v, dt, r, bd)
		}
		return nil
	})
	check("exact NUMBER round trips", func() error {
		db, err := open()
		if err != nil {
			return err
		}
		defer db.Close()
		for _, s := range []string{"0", "0.1", "-1", "12345678901234567890123456789012345678", "3.14159265358979323846"} {
			var got string
			if err := db.QueryRow("select to_char(to_number(:1)) from dual", s).Scan(&got); err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
			want := s
			if s == "0.1" {
				want = ".1"
			}
			if got != want {
				return fmt.Errorf("expected %s, got %s", want, got)
			}
		}
		return nil
	})
	_ = go_ora.Number{}
}
