// The /init of gccgo-build's system runner (src/sysrun.rs): the first and
// only process of a throw-away Linux guest. gccgo-build compiles it with the
// target's own gccgo (-static) and puts it in the initramfs beside the
// program. It mounts /proc, /sys, /dev, /tmp, brings up lo, runs the program
// as /sysrun/spec says (argv, env, working directory; NUL-separated), and
// reports on the second serial port (/dev/ttyS1), one frame a line:
//
//	r                 the guest is up (the program starts next)
//	1 <base64>        bytes the program wrote on stdout
//	2 <base64>        bytes the program wrote on stderr
//	x exit <N>        the program exited with status N
//	x signal <N>      the program was killed by signal N
//	m <KiB>           the program's peak resident memory (ru_maxrss)
//	t <µs>            the program's wall time in the guest, start to exit
//	e <base64>        the init itself failed (the message)
//
// then exits. The kernel panics on init's exit ("Attempted to kill init!")
// and, booted with panic=-1 under qemu -no-reboot, ends qemu at once: the
// orderly reboot(2) path hangs in device shutdown on qemu's Malta, and a
// panic restart skips it. The kernel console (ttyS0) is kept apart, so a
// kernel message never mixes with the program's output.
package main

import (
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

var (
	mu     sync.Mutex
	frames *os.File
)

// frame writes one line on the report port.
func frame(tag, body string) {
	mu.Lock()
	defer mu.Unlock()
	if body == "" {
		fmt.Fprintf(frames, "%s\n", tag)
		return
	}
	fmt.Fprintf(frames, "%s %s\n", tag, body)
}

// pump copies a pipe into frames of the given tag as bytes arrive.
func pump(tag string, r io.Reader, done *sync.WaitGroup) {
	defer done.Done()
	buf := make([]byte, 3072)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			frame(tag, base64.StdEncoding.EncodeToString(buf[:n]))
		}
		if err != nil {
			return
		}
	}
}

func fail(msg string) {
	if frames != nil {
		frame("e", base64.StdEncoding.EncodeToString([]byte(msg)))
	}
	fmt.Fprintln(os.Stderr, "sysrun init:", msg)
	off()
}

// tcsbrkMIPS is TCSBRK on MIPS (arch/mips/include/uapi/asm/ioctls.h; libgo's
// syscall package does not name it). The guests are MIPS Malta boards.
const tcsbrkMIPS = 0x5405

// off waits until the report port has sent everything (tcdrain: TCSBRK
// with a non-zero argument), then ends init, and with it the guest.
func off() {
	if frames != nil {
		syscall.Syscall(syscall.SYS_IOCTL, frames.Fd(), tcsbrkMIPS, 1)
	}
	os.Exit(0)
}

// mounts mounts /proc, /sys and a tmpfs on /tmp (main mounts /dev first), except when the
// working directory is under /tmp (a test package in a temporary directory):
// then /tmp stays the initramfs's own, which is writable memory too.
func mounts(dir string) {
	all := []struct{ src, dir, typ string }{
		{"proc", "/proc", "proc"},
		{"sysfs", "/sys", "sysfs"},
		{"tmpfs", "/tmp", "tmpfs"},
	}
	if dir == "/tmp" || strings.HasPrefix(dir, "/tmp/") {
		all = all[:2]
	}
	for _, m := range all {
		os.MkdirAll(m.dir, 0o755)
		if err := syscall.Mount(m.src, m.dir, m.typ, 0, ""); err != nil && err != syscall.EBUSY {
			fmt.Fprintf(os.Stderr, "sysrun init: mount %s: %v\n", m.dir, err)
		}
	}
	os.Chmod("/tmp", 0o1777)
}

// loUp brings up the loopback interface (SIOCSIFFLAGS with IFF_UP), so
// that programs and tests can listen on 127.0.0.1.
func loUp() {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM, 0)
	if err != nil {
		return
	}
	defer syscall.Close(fd)
	var req [40]byte
	copy(req[:], "lo")
	// struct ifreq: 16 bytes of name, then the flags (a short).
	*(*uint16)(unsafe.Pointer(&req[16])) = syscall.IFF_UP | syscall.IFF_LOOPBACK | syscall.IFF_RUNNING
	syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.SIOCSIFFLAGS, uintptr(unsafe.Pointer(&req[0])))
}

// spec reads /sysrun/spec: NUL-separated fields "dir", then "argv N",
// N arguments, then environment entries to the end.
func spec() (dir string, argv, env []string) {
	data, err := os.ReadFile("/sysrun/spec")
	if err != nil {
		fail(err.Error())
	}
	f := strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00")
	if len(f) < 2 {
		fail("/sysrun/spec is short")
	}
	dir = f[0]
	var n int
	fmt.Sscanf(f[1], "argv %d", &n)
	if n < 1 || 2+n > len(f) {
		fail("/sysrun/spec: bad argv count")
	}
	return dir, f[2 : 2+n], f[2+n:]
}

func main() {
	// /dev first: the report port is /dev/ttyS1.
	os.MkdirAll("/dev", 0o755)
	syscall.Mount("devtmpfs", "/dev", "devtmpfs", 0, "")
	var err error
	frames, err = os.OpenFile("/dev/ttyS1", os.O_WRONLY|syscall.O_NOCTTY, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sysrun init: opening the report port /dev/ttyS1:", err)
		off()
	}
	frame("r", "")
	dir, argv, env := spec()
	mounts(dir)
	loUp()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Path = argv[0]
	cmd.Dir = dir
	cmd.Env = env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		fail(err.Error())
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		fail(err.Error())
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fail("starting " + argv[0] + ": " + err.Error())
	}
	var done sync.WaitGroup
	done.Add(2)
	go pump("1", stdout, &done)
	go pump("2", stderr, &done)
	done.Wait()
	cmd.Wait()
	took := time.Since(start)
	st, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if st.Signaled() {
		frame("x", fmt.Sprintf("signal %d", int(st.Signal())))
	} else {
		frame("x", fmt.Sprintf("exit %d", st.ExitStatus()))
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		frame("m", fmt.Sprint(ru.Maxrss))
	}
	frame("t", fmt.Sprint(took.Microseconds()))
	off()
}
