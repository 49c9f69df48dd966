// Command measure times whole processes for test/bench/run.sh and writes the
// ResourceLists it feeds coco-fn.
//
//	measure gen -n 1000
//	measure run [flags] -- [stdin=FILE] [save=FILE] NAME CMD [ARG...] [--- ...]
//	measure noop
//
// gen writes a ResourceList of n CocoConfigs to stdout: with n = 1 the
// default install (metadata.name coco), otherwise CocoConfigs named
// coco-n00000, coco-n00001, ... with multi-install suffixes n00000,
// n00001, ..., cycling through the architecture profiles. With n = 0 the
// ResourceList has no items.
//
// run starts each command once per round, round after round, so that the
// commands it compares share the machine's ups and downs. Each command gets
// FILE on stdin (default: nothing), its stdout is discarded, or kept in the
// save FILE for the first run, and its stderr is shown only if it fails; a
// failure, or a run longer than -timeout, is an error. Wall time is taken
// around the start and the end of the process, peak RSS is the ru_maxrss of
// the process (not of the processes it starts). For each command run prints
// one line:
//
//	NAME median_ms=4.21 min_ms=3.90 max_ms=5.02 peak_rss_kib=12328 runs=40
//
// noop exits at once: the start of a bare Go process, for comparison.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}

	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2:])
	case "run":
		err = run(os.Args[2:])
	case "noop":
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: measure gen -n N\n"+
		"       measure run [-warmup N] [-runs N] [-max-time D] [-timeout D] -- "+
		"[stdin=FILE] [save=FILE] NAME CMD [ARG...] [--- ...]\n"+
		"       measure noop")
	os.Exit(2)
}

// architectures are the profiles gen cycles through.
var architectures = []string{"x86_64", "s390x", "aarch64", "remote"}

func gen(args []string) error {
	flags := flag.NewFlagSet("gen", flag.ExitOnError)
	n := flags.Int("n", 1, "number of CocoConfigs")
	_ = flags.Parse(args)

	w := bufio.NewWriter(os.Stdout)
	fmt.Fprint(w, "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n")
	if *n == 0 {
		fmt.Fprint(w, "items: []\n")
		return w.Flush()
	}

	fmt.Fprint(w, "items:\n")
	for i := range *n {
		name, arch, suffix := "coco", "x86_64", ""
		if *n > 1 {
			suffix = fmt.Sprintf("n%05d", i)
			name, arch = "coco-"+suffix, architectures[i%len(architectures)]
		}
		fmt.Fprintf(w, "- apiVersion: coco-fn.dev/v1alpha1\n  kind: CocoConfig\n"+
			"  metadata:\n    name: %s\n  spec:\n    architecture: %s\n", name, arch)
		if suffix != "" {
			fmt.Fprintf(w, "    multiInstallSuffix: %s\n", suffix)
		}
	}

	return w.Flush()
}

// command is one command line to time, and what it has measured.
type command struct {
	name, stdin, save string
	argv              []string

	walls []time.Duration
	peak  int64
}

func run(args []string) error {
	flags := flag.NewFlagSet("run", flag.ExitOnError)
	warmup := flags.Int("warmup", 2, "untimed rounds first")
	runs := flags.Int("runs", 10, "timed rounds")
	maxTime := flags.Duration("max-time", 0,
		"start no timed round that would likely end after this long (0: no limit); at least one round runs")
	timeout := flags.Duration("timeout", 5*time.Minute, "longest a single run may take")
	_ = flags.Parse(args)

	cmds, err := parseCommands(flags.Args())
	if err != nil || *runs < 1 || *warmup < 0 {
		usage()
	}

	start := time.Now()
	for round := range *warmup + *runs {
		timed := round >= *warmup
		if timed && *maxTime > 0 && round > *warmup {
			elapsed := time.Since(start)
			perRound := elapsed / time.Duration(round)
			if elapsed+perRound > *maxTime {
				break
			}
		}
		for _, c := range cmds {
			wall, rss, err := c.once(round == 0, *timeout)
			if err != nil {
				return err
			}
			if timed {
				c.walls = append(c.walls, wall)
				c.peak = max(c.peak, rss)
			}
		}
	}

	for _, c := range cmds {
		slices.Sort(c.walls)
		fmt.Printf("%s median_ms=%.2f min_ms=%.2f max_ms=%.2f peak_rss_kib=%d runs=%d\n", c.name,
			ms(median(c.walls)), ms(c.walls[0]), ms(c.walls[len(c.walls)-1]), c.peak, len(c.walls))
	}

	return nil
}

// parseCommands splits "[stdin=F] [save=F] NAME CMD ARGS... --- ..." apart.
func parseCommands(args []string) ([]*command, error) {
	var cmds []*command
	for len(args) > 0 {
		end := slices.Index(args, "---")
		if end < 0 {
			end = len(args)
		}
		part := args[:end]
		args = args[min(end+1, len(args)):]

		c := &command{}
		for len(part) > 0 {
			if v, ok := strings.CutPrefix(part[0], "stdin="); ok {
				c.stdin, part = v, part[1:]
			} else if v, ok := strings.CutPrefix(part[0], "save="); ok {
				c.save, part = v, part[1:]
			} else {
				break
			}
		}
		if len(part) < 2 {
			return nil, errors.New("each command needs a name and a command line")
		}
		c.name, c.argv = part[0], part[1:]
		cmds = append(cmds, c)
	}
	if len(cmds) == 0 {
		return nil, errors.New("no command")
	}

	return cmds, nil
}

// once runs the command, keeping its stdout in c.save when save is set.
func (c *command) once(save bool, timeout time.Duration) (time.Duration, int64, error) {
	cmd := exec.Command(c.argv[0], c.argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if c.stdin != "" {
		f, err := os.Open(c.stdin)
		if err != nil {
			return 0, 0, err
		}
		defer f.Close()
		cmd.Stdin = f
	}
	if save && c.save != "" {
		f, err := os.Create(c.save)
		if err != nil {
			return 0, 0, err
		}
		defer f.Close()
		cmd.Stdout = f
	}

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, fmt.Errorf("%s: %w", c.name, err)
	}
	timer := time.AfterFunc(timeout, func() { _ = cmd.Process.Kill() })
	err := cmd.Wait()
	wall := time.Since(start)
	timer.Stop()
	if err != nil {
		if wall >= timeout {
			err = fmt.Errorf("killed after %v", timeout)
		}
		return 0, 0, fmt.Errorf("%s: %w\n%s", c.name, err, tail(stderr.String()))
	}

	// ru_maxrss is in KiB on Linux.
	return wall, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss, nil
}

func tail(s string) string {
	if len(s) > 4000 {
		return "..." + s[len(s)-4000:]
	}
	return s
}

func median(sorted []time.Duration) time.Duration {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}

	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
