// Command gendan-dbengine is Gendan's embedded MongoDB-wire database: FerretDB v1 over
// PostgreSQL, behind a front that lets one write request through at a time and reads through
// concurrently.
//
// Why the front: FerretDB v1 runs findAndModify and update as a query followed by a
// separate write (FerretDB issue #3040), so concurrent claims of the same document all
// "win". Measured here (2026-11-24): 6 workers claiming 300 documents made 1,243 claims;
// behind the front, 300 claims and 0 duplicates. See ../../../README.md and ../../../docs/database.md.
//
// Lanes (2026-11-29): only requests that write go through the one-at-a-time *write lane*.
// Reads (find, getMore, count, distinct, aggregate without $out/$merge, list*, hello, ping …)
// change nothing, so they cannot break a read-then-write of another request: they pass
// without waiting, and a long export no longer stops every other role. Inserts take the write
// lane too unless -concurrent-inserts is given (unique indexes are PostgreSQL's either way).
//
// Why the GIN indexes: FerretDB turns {field: value} into `_jsonb->'field' @> value`, which
// the btree indexes it creates cannot serve. For every index FerretDB records, the engine
// keeps a GIN index on the same expression of its first key (and on _id), so equality-led
// queries cost what they return instead of what the collection holds.
//
// The process prints one line `READY <mongodb uri>` on stdout when it serves, and exits when
// its stdin closes (its parent died) or on SIGINT/SIGTERM, so no orphan is left behind.
package main

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/jackc/pgx/v5"
)

const (
	opQuery = 2004
	opMsg   = 2013
	// moreToCome: the sender will not wait for (and gets no) reply.
	flagMoreToCome = 1 << 1
	maxMessageSize = 48 * 1024 * 1024
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "TCP address the front listens on")
	pgURL := flag.String("pg", "", "PostgreSQL URL for FerretDB's postgresql handler")
	sockDir := flag.String("sock-dir", "", "directory for FerretDB's Unix socket (default: a temp dir)")
	serialize := flag.Bool("serialize", true, "let one write request through at a time (false only to prove why it is needed)")
	readsToo := flag.Bool("serialize-reads", false, "put reads in the one-at-a-time lane too (the front before 2026-11-29; benches compare)")
	concurrentInserts := flag.Bool("concurrent-inserts", false, "let plain inserts bypass the write lane")
	slowLane := flag.Duration("slow-lane", 2*time.Second, "log a warning when one request holds the write lane longer than this")
	ginEvery := flag.Duration("gin-every", time.Second, "how often GIN indexes are brought in step with FerretDB's indexes (0 disables)")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		level = slog.LevelWarn
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	if *pgURL == "" {
		fail(logger, errors.New("-pg is required"))
	}

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	// The parent holds our stdin open; EOF means it is gone.
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		cancel()
	}()

	dir := *sockDir
	if dir == "" {
		d, err := os.MkdirTemp("", "gendan-engine-")
		if err != nil {
			fail(logger, err)
		}
		defer os.RemoveAll(d)
		dir = d
	}
	sock := filepath.Join(dir, "ferretdb.sock")
	_ = os.Remove(sock)

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{Unix: sock},
		Handler:       "postgresql",
		PostgreSQLURL: *pgURL,
		Logger:        logger,
	})
	if err != nil {
		fail(logger, err)
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := f.Run(ctx); err != nil {
			logger.Error("ferretdb stopped", "error", err)
		}
	}()

	if err := waitForSocket(ctx, sock, 30*time.Second); err != nil {
		fail(logger, err)
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fail(logger, err)
	}

	fr := &front{backend: sock, serialize: *serialize, readsToo: *readsToo, concurrentInserts: *concurrentInserts, slowLane: *slowLane, logger: logger}
	go fr.serve(ctx, ln)

	if *ginEvery > 0 {
		go keepGinIndexes(ctx, *pgURL, *ginEvery, logger)
	}

	fmt.Printf("READY mongodb://%s/\n", ln.Addr().String())

	<-ctx.Done()
	_ = ln.Close()
	fr.closeAll()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
}

func fail(logger *slog.Logger, err error) {
	logger.Error("engine failed", "error", err.Error())
	fmt.Fprintf(os.Stderr, "gendan-dbengine: %v\n", err)
	os.Exit(1)
}

func waitForSocket(ctx context.Context, sock string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		c, err := net.Dial("unix", sock)
		if err == nil {
			_ = c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("ferretdb did not listen on %s within %s: %w", sock, limit, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// front forwards wire messages from TCP clients to FerretDB's Unix socket. With serialize on,
// a global mutex (the write lane) is held from the moment a writing request is written until
// its reply is read; reads pass without it.
type front struct {
	backend           string
	serialize         bool
	readsToo          bool
	concurrentInserts bool
	slowLane          time.Duration
	logger            *slog.Logger

	mu    sync.Mutex // the write lane: one request at a time
	connM sync.Mutex
	conns map[net.Conn]struct{}
}

func (fr *front) track(c net.Conn, add bool) {
	fr.connM.Lock()
	defer fr.connM.Unlock()
	if fr.conns == nil {
		fr.conns = map[net.Conn]struct{}{}
	}
	if add {
		fr.conns[c] = struct{}{}
	} else {
		delete(fr.conns, c)
	}
}

func (fr *front) closeAll() {
	fr.connM.Lock()
	defer fr.connM.Unlock()
	for c := range fr.conns {
		_ = c.Close()
	}
}

func (fr *front) serve(ctx context.Context, ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() == nil {
				fr.logger.Error("accept failed", "error", err)
			}
			return
		}
		go fr.handle(c)
	}
}

func (fr *front) handle(client net.Conn) {
	fr.track(client, true)
	defer fr.track(client, false)
	defer client.Close()

	// One backend connection per client connection: cursors and session state stay with it.
	backend, err := net.Dial("unix", fr.backend)
	if err != nil {
		fr.logger.Error("backend dial failed", "error", err)
		return
	}
	fr.track(backend, true)
	defer fr.track(backend, false)
	defer backend.Close()

	for {
		req, err := readMessage(client)
		if err != nil {
			return // client closed or sent garbage
		}
		reply, err := fr.roundTrip(backend, req)
		if err != nil {
			fr.logger.Warn("backend round trip failed", "error", err)
			return
		}
		if reply != nil {
			if _, err := client.Write(reply); err != nil {
				return
			}
		}
	}
}

func (fr *front) roundTrip(backend net.Conn, req []byte) ([]byte, error) {
	if fr.serialize {
		name, body := commandOf(req)
		if fr.readsToo || !passesConcurrently(name, body, fr.concurrentInserts) {
			fr.mu.Lock()
			start := time.Now()
			defer func() {
				fr.mu.Unlock()
				if held := time.Since(start); fr.slowLane > 0 && held > fr.slowLane {
					fr.logger.Warn("a request held the write lane", "command", name, "ms", held.Milliseconds())
				}
			}()
		}
	}
	if _, err := backend.Write(req); err != nil {
		return nil, err
	}
	if !expectsReply(req) {
		return nil, nil
	}
	return readMessage(backend)
}

// readCommands change nothing: they may run beside anything, including a read-then-write.
var readCommands = map[string]bool{
	"find": true, "getMore": true, "count": true, "distinct": true, "aggregate": true,
	"listIndexes": true, "listCollections": true, "listDatabases": true, "killCursors": true,
	"hello": true, "isMaster": true, "ismaster": true, "ping": true, "buildInfo": true, "buildinfo": true,
	"endSessions": true, "explain": true, "dbStats": true, "collStats": true, "dataSize": true,
	"serverStatus": true, "hostInfo": true, "getParameter": true, "getCmdLineOpts": true,
	"connectionStatus": true, "whatsmyuri": true, "getLog": true, "getFreeMonitoringStatus": true,
	"listCommands": true, "validate": true,
}

// passesConcurrently says whether a request may skip the write lane.
func passesConcurrently(name string, body []byte, concurrentInserts bool) bool {
	if name == "insert" {
		return concurrentInserts
	}
	if !readCommands[name] {
		return false
	}
	if name == "aggregate" || name == "explain" {
		// A pipeline with $out or $merge writes. Keys are cstrings, so a plain byte search
		// finds them; a string value "$out" gives a false positive, which is only slower.
		if bytes.Contains(body, []byte("$out\x00")) || bytes.Contains(body, []byte("$merge\x00")) {
			return false
		}
	}
	return true
}

// commandOf returns the command name (first key of the body document) of an OP_MSG, or of a
// legacy OP_QUERY command, and the body's bytes; "" when it cannot tell (then: write lane).
func commandOf(msg []byte) (string, []byte) {
	if len(msg) < 21 {
		return "", nil
	}
	switch binary.LittleEndian.Uint32(msg[12:16]) {
	case opMsg:
		flags := binary.LittleEndian.Uint32(msg[16:20])
		end := len(msg)
		if flags&1 != 0 { // checksumPresent
			end -= 4
		}
		for i := 20; i < end; {
			kind := msg[i]
			i++
			if i+4 > end {
				return "", nil
			}
			size := int(int32(binary.LittleEndian.Uint32(msg[i : i+4])))
			if size < 5 || i+size > end {
				return "", nil
			}
			if kind == 0 {
				doc := msg[i : i+size]
				return firstKey(doc), doc
			}
			i += size // kind 1: a document sequence (size includes itself)
		}
	case opQuery:
		i := 20
		for i < len(msg) && msg[i] != 0 { // fullCollectionName
			i++
		}
		i += 1 + 8 // NUL, numberToSkip, numberToReturn
		if i+4 > len(msg) {
			return "", nil
		}
		doc := msg[i:]
		return firstKey(doc), doc
	}
	return "", nil
}

// firstKey returns the name of a BSON document's first element.
func firstKey(doc []byte) string {
	if len(doc) < 6 || doc[4] == 0 {
		return ""
	}
	end := bytes.IndexByte(doc[5:], 0)
	if end < 0 {
		return ""
	}
	return string(doc[5 : 5+end])
}

func expectsReply(msg []byte) bool {
	opCode := binary.LittleEndian.Uint32(msg[12:16])
	switch opCode {
	case opMsg:
		if len(msg) < 20 {
			return false
		}
		return binary.LittleEndian.Uint32(msg[16:20])&flagMoreToCome == 0
	case opQuery:
		return true
	default:
		// Other opcodes (OP_COMPRESSED and legacy writes) are not used by the driver as configured.
		return true
	}
}

func readMessage(r io.Reader) ([]byte, error) {
	var header [16]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}
	size := int(int32(binary.LittleEndian.Uint32(header[0:4])))
	if size < 16 || size > maxMessageSize {
		return nil, fmt.Errorf("bad message length %d", size)
	}
	msg := make([]byte, size)
	copy(msg, header[:])
	if _, err := io.ReadFull(r, msg[16:]); err != nil {
		return nil, err
	}
	return msg, nil
}

// keepGinIndexes brings GIN expression indexes in step with the indexes FerretDB records.
func keepGinIndexes(ctx context.Context, pgURL string, every time.Duration, logger *slog.Logger) {
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			_ = conn.Close(context.Background())
		}
	}()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if conn == nil || conn.IsClosed() {
			c, err := pgx.Connect(ctx, pgURL)
			if err == nil {
				conn = c
			} else if ctx.Err() == nil {
				logger.Warn("gin sync: connect failed", "error", err)
			}
		}
		if conn != nil {
			if err := syncGin(ctx, conn, logger); err != nil && ctx.Err() == nil {
				logger.Warn("gin sync failed", "error", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// collMeta is a collection's entry in FerretDB's _ferretdb_database_metadata. PostgreSQL's
// JSONB does not keep key order, so the order of an index's keys is read from FerretDB's own
// schema ("$s" … "$k"), stored beside the values.
type collMeta struct {
	Table   string `json:"table"`
	Indexes []struct {
		Key map[string]any `json:"key"`
	} `json:"indexes"`
	Schema struct {
		P struct {
			Indexes struct {
				I []struct {
					S struct {
						P struct {
							Key struct {
								S struct {
									K []string `json:"$k"`
								} `json:"$s"`
							} `json:"key"`
						} `json:"p"`
					} `json:"$s"`
				} `json:"i"`
			} `json:"indexes"`
		} `json:"p"`
	} `json:"$s"`
}

// firstKeys returns the first key of every index of the collection.
func (m *collMeta) firstKeys() []string {
	var out []string
	for i, ix := range m.Indexes {
		if order := m.Schema.P.Indexes.I; i < len(order) && len(order[i].S.P.Key.S.K) > 0 {
			out = append(out, order[i].S.P.Key.S.K[0])
			continue
		}
		if len(ix.Key) == 1 {
			for k := range ix.Key {
				out = append(out, k)
			}
		}
	}
	return out
}

func syncGin(ctx context.Context, conn *pgx.Conn, logger *slog.Logger) error {
	rows, err := conn.Query(ctx, `SELECT table_schema FROM information_schema.tables WHERE table_name = '_ferretdb_database_metadata'`)
	if err != nil {
		return err
	}
	schemas, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, schema := range schemas {
		rows, err := conn.Query(ctx, fmt.Sprintf(`SELECT _jsonb::text FROM %s._ferretdb_database_metadata`, pgx.Identifier{schema}.Sanitize()))
		if err != nil {
			continue // dropped meanwhile
		}
		docs, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			continue
		}
		existingRows, err := conn.Query(ctx, `SELECT indexname FROM pg_indexes WHERE schemaname = $1`, schema)
		if err != nil {
			continue
		}
		existingList, _ := pgx.CollectRows(existingRows, pgx.RowTo[string])
		existing := map[string]bool{}
		for _, n := range existingList {
			existing[n] = true
		}
		for _, doc := range docs {
			var m collMeta
			if err := json.Unmarshal([]byte(doc), &m); err != nil || m.Table == "" {
				continue
			}
			fields := map[string]bool{"_id": true}
			for _, f := range m.firstKeys() {
				fields[f] = true
			}
			for field := range fields {
				name := ginIndexName(m.Table, field)
				if existing[name] {
					continue
				}
				expr := jsonbPath(field)
				sql := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s.%s USING gin ((%s)) WITH (fastupdate = off)`,
					pgx.Identifier{name}.Sanitize(), pgx.Identifier{schema}.Sanitize(), pgx.Identifier{m.Table}.Sanitize(), expr)
				if _, err := conn.Exec(ctx, sql); err != nil {
					logger.Debug("gin index not created", "table", m.Table, "field", field, "error", err)
					continue
				}
				logger.Info("gin index created", "schema", schema, "table", m.Table, "field", field)
			}
		}
	}
	return nil
}

// jsonbPath renders the expression FerretDB filters on: _jsonb->'a' for a top-level field,
// _jsonb->'a'->'b' for a dotted one.
func jsonbPath(field string) string {
	expr := "_jsonb"
	start := 0
	for i := 0; i <= len(field); i++ {
		if i == len(field) || field[i] == '.' {
			expr += "->" + quoteLiteral(field[start:i])
			start = i + 1
		}
	}
	return expr
}

func quoteLiteral(s string) string {
	out := "'"
	for _, r := range s {
		if r == '\'' {
			out += "''"
		} else {
			out += string(r)
		}
	}
	return out + "'"
}

func ginIndexName(table, field string) string {
	h := sha1.Sum([]byte(table + "\x00" + field))
	return "gendan_gin_" + hex.EncodeToString(h[:8])
}
