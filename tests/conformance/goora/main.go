// Conformance checks: unmodified go-ora (github.com/sijms/go-ora/v2)
// against oradb-testserver.
//
// Usage: go run . HOST:PORT SERVICE. Prints "FAIL name: why" for each
// failed check and ends with "go-ora: N passed, M failed".
package main

import (
	"database/sql"
	"fmt"
	"os"
	"strings"
	"time"

	go_ora "github.com/sijms/go-ora/v2"
	"github.com/sijms/go-ora/v2/network"
)

var (
	host, port, service string
	passed, failed      int
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: goora HOST:PORT [SERVICE]")
		os.Exit(2)
	}
	hp := strings.SplitN(os.Args[1], ":", 2)
	host, port, service = hp[0], hp[1], "FREEPDB1"
	if len(os.Args) > 2 {
		service = os.Args[2]
	}
	connects()
	types()
	batchAndTransactions()
	plsql()
	bigFetchCancelPool()
	nne()
	fmt.Printf("go-ora: %d passed, %d failed\n", passed, failed)
}

// check runs one check; a panic or error fails it and the next runs anyway.
func check(name string, body func() error) {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("panic: %v", r)
			}
		}()
		done <- body()
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(120 * time.Second):
		err = fmt.Errorf("timed out after 120 s")
	}
	if err != nil {
		failed++
		fmt.Printf("FAIL %s: %s\n", name, strings.ReplaceAll(err.Error(), "\n", " "))
		return
	}
	passed++
}

func url(password, svc string) string {
	var p int
	fmt.Sscan(port, &p)
	return go_ora.BuildUrl(host, p, svc, "scott", password, map[string]string{"TIMEOUT": "60"})
}

func descriptorURL() string {
	desc := fmt.Sprintf("(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=%s)(PORT=%s))(CONNECT_DATA=(SERVICE_NAME=%s)))",
		host, port, service)
	return go_ora.BuildJDBC("scott", "tiger", desc, nil)
}

func open() (*sql.DB, error) {
	return sql.Open("oracle", url("tiger", service))
}

// expectOra runs fn, which must fail with ORA-code.
func expectOra(code int, fn func() error) error {
	err := fn()
	if err == nil {
		return fmt.Errorf("expected ORA-%05d, nothing raised", code)
	}
	if oe, ok := err.(*network.OracleError); ok && oe.ErrCode == code {
		return nil
	}
	if strings.Contains(err.Error(), fmt.Sprintf("ORA-%05d", code)) {
		return nil
	}
	return fmt.Errorf("expected ORA-%05d, got %v", code, err)
}

func scalar(db *sql.DB, query string, args ...any) (int64, error) {
	var n int64
	err := db.QueryRow(query, args...).Scan(&n)
	return n, err
}

func expectScalar(db *sql.DB, want int64, query string, args ...any) error {
	got, err := scalar(db, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", query, err)
	}
	if got != want {
		return fmt.Errorf("%s: expected %d, got %d", query, want, got)
	}
	return nil
}

func dropQuietly(db *sql.DB, table string) {
	_, _ = db.Exec("drop table " + table)
}
