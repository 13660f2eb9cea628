package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	go_ora "github.com/sijms/go-ora/v2"
)

// nne: go-ora with native network encryption and integrity required (its
// "ENCRYPTION" and "DATA INTEGRITY" options) against the server's default
// (accepted) levels, so the session must come up encrypted. It leaves the
// table goora_nne behind for tests/conformance/nne_interop.mjs, which reads
// it through oradb's thin client with encryption required too.
func nne() {
	check("native encryption and integrity required: AES and SHA banners, rows written", func() error {
		db, err := openEncrypted()
		if err != nil {
			return err
		}
		defer db.Close()
		rows, err := db.Query("select network_service_banner from v$session_connect_info " +
			"where sid = sys_context('userenv', 'sid')")
		if err != nil {
			return err
		}
		var banners []string
		for rows.Next() {
			var b string
			if err := rows.Scan(&b); err != nil {
				return err
			}
			banners = append(banners, b)
		}
		rows.Close()
		all := strings.Join(banners, "\n")
		if !strings.Contains(all, "AES") || !strings.Contains(all, "SHA") {
			return fmt.Errorf("session not protected; banners: %q", all)
		}
		dropQuietly(db, "goora_nne")
		if _, err := db.Exec("create table goora_nne (id number, s varchar2(40))"); err != nil {
			return err
		}
		for i := 1; i <= 50; i++ {
			if _, err := db.Exec("insert into goora_nne values (:1, :2)", i, fmt.Sprintf("go-ora row %d", i)); err != nil {
				return err
			}
		}
		return expectScalar(db, 1275, "select sum(id) from goora_nne")
	})
	check("native encryption required: a cancelled sleep, then the same session goes on", func() error {
		db, err := openEncrypted()
		if err != nil {
			return err
		}
		defer db.Close()
		// One session, so the query after the break runs where the break was.
		conn, err := db.Conn(context.Background())
		if err != nil {
			return err
		}
		defer conn.Close()
		for i := 1; i <= 2; i++ {
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			start := time.Now()
			_, err = conn.ExecContext(ctx, "begin dbms_session.sleep(10); end;")
			cancel()
			if err == nil {
				return fmt.Errorf("sleep %d finished without an error", i)
			}
			if took := time.Since(start); took > 5*time.Second {
				return fmt.Errorf("cancel %d took %v (%v)", i, took, err)
			}
			var n int
			if err := conn.QueryRowContext(context.Background(), "select :1 * 7 from dual", i).Scan(&n); err != nil {
				return fmt.Errorf("after cancel %d: %w", i, err)
			}
			if n != i*7 {
				return fmt.Errorf("after cancel %d: got %d", i, n)
			}
		}
		return nil
	})
}

// openEncrypted opens go-ora with encryption and integrity required by the client.
func openEncrypted() (*sql.DB, error) {
	var p int
	fmt.Sscan(port, &p)
	u := go_ora.BuildUrl(host, p, service, "scott", "tiger", map[string]string{
		"TIMEOUT": "60", "ENCRYPTION": "required", "DATA INTEGRITY": "required",
	})
	return sql.Open("oracle", u)
}
