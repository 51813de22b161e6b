// Package testkit holds what the module's tests share to prove two
// things no single process shows: that several processes on one register
// behave (the test binary runs again as child processes, released
// together through a pipe barrier, never a sleep), and that personal data
// never reaches an SQLite register's files in clear (their raw bytes,
// write-ahead log included, searched in any case).
//
// It is imported by tests only.
package testkit

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Lines of the barrier between a child and its parent.
const (
	lineReady   = "testkit: ready"
	lineRelease = "testkit: go"
)

// Child is the test binary running again as a child process: its
// TestMain recognises it by the environment given to [Start] and runs
// the child's code instead of the tests. Its standard output is read as
// it comes, so a child that prints much never blocks on a full pipe.
type Child struct {
	cmd      *exec.Cmd
	stdin    io.WriteCloser
	stderr   bytes.Buffer
	ready    chan struct{} // closed when the child says it is ready
	done     chan struct{} // closed when its standard output ends
	lines    []string      // its output but the barrier's line, once done
	readErr  error
	released bool
}

// Start runs the test binary again, running no test (-test.run=^$), with
// the test's environment plus env ("NAME=value" pairs). The child is
// killed when the test ends, if it is still running.
func Start(t testing.TB, env ...string) *Child {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := &Child{cmd: exec.Command(exe, "-test.run=^$"), ready: make(chan struct{}), done: make(chan struct{})}
	c.cmd.Env = append(os.Environ(), env...)
	c.cmd.Stderr = &c.stderr
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go c.read(out)
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			_ = c.cmd.Process.Kill()
			<-c.done
			_ = c.cmd.Wait()
		}
	})
	return c
}

// read collects the child's output until it ends.
func (c *Child) read(out io.Reader) {
	defer close(c.done)
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	signalled := false
	for sc.Scan() {
		if line := sc.Text(); line == lineReady && !signalled {
			signalled = true
			close(c.ready)
		} else {
			c.lines = append(c.lines, line)
		}
	}
	c.readErr = sc.Err()
}

// Release waits until every child is ready (has called [AwaitRelease]),
// then releases them all at once: none starts its work before the last
// one is ready.
func Release(children ...*Child) error {
	for _, c := range children {
		select {
		case <-c.ready:
		case <-c.done:
			_, err := c.Wait()
			return fmt.Errorf("testkit: the child ended before the barrier: %w", err)
		}
	}
	var errs []error
	for _, c := range children {
		_, err := io.WriteString(c.stdin, lineRelease+"\n")
		c.released = true
		errs = append(errs, err, c.stdin.Close())
	}
	return errors.Join(errs...)
}

// Wait waits for the child to exit and returns the lines it printed on
// its standard output, the barrier's aside. A child that fails gives an
// error with its standard error.
func (c *Child) Wait() ([]string, error) {
	if !c.released {
		_ = c.stdin.Close()
	}
	<-c.done
	err := errors.Join(c.readErr, c.cmd.Wait())
	if err != nil {
		return c.lines, fmt.Errorf("%w\n%s", err, c.Stderr())
	}
	return c.lines, nil
}

// Stderr returns what the child wrote on its standard error: call it
// after [Child.Wait].
func (c *Child) Stderr() string { return strings.TrimSpace(c.stderr.String()) }

// AwaitRelease is the child's side of the barrier: it tells the parent
// that it is ready and blocks until the parent releases it ([Release]).
func AwaitRelease() error {
	if _, err := fmt.Println(lineReady); err != nil {
		return err
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil {
		return fmt.Errorf("testkit: no release from the parent: %w", err)
	}
	if strings.TrimSpace(line) != lineRelease {
		return errors.New("testkit: unexpected release line")
	}
	return nil
}

// SQLiteFiles returns the raw bytes of the SQLite database at path and of
// its -wal and -shm files, separated by a zero byte. open says whether
// the database is still open, when the write-ahead log must exist (a
// closed database's last connection may have removed it).
func SQLiteFiles(t testing.TB, path string, open bool) []byte {
	t.Helper()
	var all []byte
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(path + suffix)
		switch {
		case errors.Is(err, fs.ErrNotExist) && suffix != "" && !open:
			continue
		case err != nil:
			t.Fatal(err)
		}
		all = append(append(all, b...), 0)
	}
	return all
}

// AssertAbsent fails t for each of secrets found in data, as written, in
// upper case or in lower case; it names the secret by its index, never
// its value. marker is something data holds in clear: if it is missing,
// the search sees nothing and t fails.
func AssertAbsent(t testing.TB, what string, data []byte, marker string, secrets ...string) {
	t.Helper()
	if !bytes.Contains(data, []byte(marker)) {
		t.Fatalf("%s: the marker in clear is missing: the search does not see the data", what)
	}
	for i, s := range secrets {
		for _, v := range []string{s, strings.ToUpper(s), strings.ToLower(s)} {
			if bytes.Contains(data, []byte(v)) {
				t.Errorf("%s: secret %d is in clear", what, i)
				break
			}
		}
	}
}
