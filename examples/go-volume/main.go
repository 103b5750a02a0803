// go-volume: a Barrack volume declared in Go with the generated SDK (sdk/go/barrack) and the native plugin
// `pulumi-resource-barrack`, run by the Automation API as an INLINE program (auto.UpsertStackInlineSource):
// the program runs in this process and the Pulumi CLI talks to it over `--client`, so no Go language
// host (`pulumi-language-go`) is needed.
//
//	go build -o go-volume . && ./go-volume -plugin-archive ../../dist/plugin/pulumi-resource-barrack-v0.1.0-linux-amd64.tar.gz up
//	./go-volume [flags] up | preview | destroy | cycle
//
// `cycle` runs up, up again (which must change nothing) and destroy. Each operation prints one JSON line
// on stdout ({"op":"up","changes":{"create":2},"outputs":{…}}); the engine's progress goes to stderr.
// Run `go-volume -h` for the flags; the connection comes from -endpoint/-api-key or BARRACK_API_URL /
// BARRACK_API_KEY, the CLI from -pulumi or PATH, the state from -backend or PULUMI_BACKEND_URL.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/barrack-ai/pulumi-barrack/sdk/go/barrack"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const projectName = "barrack-go-volume"

type options struct {
	endpoint, apiKey             string
	stack, workDir, backend      string
	pulumiBin, pulumiHome        string
	pluginArchive, pluginVersion string
	region, volumeType           string
	sizeGb                       int
}

// program declares the volume, after checking with the getRegions data function that the region offers
// its type.
func program(o options) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		regions, err := barrack.GetRegions(ctx, &barrack.GetRegionsArgs{})
		if err != nil {
			return err
		}
		var names []string
		offered := false
		for _, r := range regions.Regions {
			names = append(names, string(r.Name))
			if string(r.Name) == o.region && slices.Contains(r.VolumeTypes, barrack.VolumeType(o.volumeType)) {
				offered = true
			}
		}
		if !offered {
			return fmt.Errorf("region %s offers no %s volumes (regions: %v)", o.region, o.volumeType, names)
		}
		volume, err := barrack.NewVolume(ctx, "go-data", &barrack.VolumeArgs{
			Region: barrack.Region(o.region),
			Type:   barrack.VolumeType(o.volumeType),
			SizeGb: pulumi.Int(o.sizeGb),
		})
		if err != nil {
			return err
		}
		ctx.Export("volumeId", volume.ID())
		ctx.Export("volumeName", volume.Name)
		ctx.Export("sizeGb", volume.SizeGb)
		ctx.Export("status", volume.Status)
		ctx.Export("regionCount", pulumi.Int(len(regions.Regions)))
		return nil
	}
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "go-volume:", err)
		os.Exit(1)
	}
}

func run() error {
	home, _ := os.UserHomeDir()
	var o options
	flag.StringVar(&o.endpoint, "endpoint", os.Getenv("BARRACK_API_URL"), "Barrack API URL (stack config barrack:endpoint; default $BARRACK_API_URL, else the provider's default)")
	flag.StringVar(&o.apiKey, "api-key", os.Getenv("BARRACK_API_KEY"), "Barrack API key (secret stack config barrack:apiKey; default $BARRACK_API_KEY)")
	flag.StringVar(&o.stack, "stack", "dev", "stack name")
	flag.StringVar(&o.workDir, "work-dir", filepath.Join(home, ".pulumi-barrack", "go-volume"), "where the project's Pulumi.yaml and stack config files live")
	flag.StringVar(&o.backend, "backend", os.Getenv("PULUMI_BACKEND_URL"), "state backend URL (default $PULUMI_BACKEND_URL, else file://<work-dir>/state)")
	flag.StringVar(&o.pulumiBin, "pulumi", "", "the pulumi CLI binary (default: pulumi on PATH)")
	flag.StringVar(&o.pulumiHome, "pulumi-home", os.Getenv("PULUMI_HOME"), "PULUMI_HOME, where plugins are installed (default $PULUMI_HOME, else ~/.pulumi)")
	flag.StringVar(&o.pluginArchive, "plugin-archive", "", "install the plugin from this archive first (`pulumi plugin install resource barrack <version> -f <archive>`)")
	flag.StringVar(&o.pluginVersion, "plugin-version", "0.1.0", "the plugin version -plugin-archive holds")
	flag.StringVar(&o.region, "region", "FINLAND-1", "the volume's region")
	flag.StringVar(&o.volumeType, "type", "NVMe", "the volume type")
	flag.IntVar(&o.sizeGb, "size", 100, "the volume's size in GB")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: go-volume [flags] up|preview|destroy|cycle\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 || !slices.Contains([]string{"up", "preview", "destroy", "cycle"}, flag.Arg(0)) {
		flag.Usage()
		return errors.New("expected one of up, preview, destroy, cycle")
	}
	if os.Getenv("PULUMI_CONFIG_PASSPHRASE") == "" && os.Getenv("PULUMI_CONFIG_PASSPHRASE_FILE") == "" {
		return errors.New("set PULUMI_CONFIG_PASSPHRASE (the stack's secrets, the API key among them, are encrypted with it)")
	}

	ctx := context.Background()
	stack, err := openStack(ctx, o)
	if err != nil {
		return err
	}
	switch flag.Arg(0) {
	case "up":
		return up(ctx, stack)
	case "preview":
		return preview(ctx, stack)
	case "destroy":
		return destroy(ctx, stack)
	default: // cycle
		if err := up(ctx, stack); err != nil {
			return err
		}
		again, err := stack.Up(ctx, optup.ProgressStreams(os.Stderr), optup.ErrorProgressStreams(os.Stderr))
		if err != nil {
			return fmt.Errorf("second up: %w", err)
		}
		changes := changesOf(again.Summary.ResourceChanges)
		report("up", changes, again.Outputs)
		for op := range changes {
			if op != "same" {
				return fmt.Errorf("the second up was not a no-op: %v", changes)
			}
		}
		return destroy(ctx, stack)
	}
}

// openStack creates or selects the stack (inline program, passphrase secrets, the given backend, CLI and
// PULUMI_HOME), installs the plugin if asked, and sets the connection config.
func openStack(ctx context.Context, o options) (auto.Stack, error) {
	var stack auto.Stack
	if err := os.MkdirAll(o.workDir, 0o755); err != nil {
		return stack, err
	}
	env := map[string]string{"PULUMI_SKIP_UPDATE_CHECK": "true"}
	if o.backend == "" {
		o.backend = "file://" + filepath.Join(o.workDir, "state")
	}
	if dir, local := strings.CutPrefix(o.backend, "file://"); local {
		// The CLI wants a local backend's directory to exist.
		if err := os.MkdirAll(strings.SplitN(dir, "?", 2)[0], 0o755); err != nil {
			return stack, err
		}
	}
	env["PULUMI_BACKEND_URL"] = o.backend
	if p := os.Getenv("PULUMI_CONFIG_PASSPHRASE"); p != "" {
		env["PULUMI_CONFIG_PASSPHRASE"] = p
	}

	cmd, err := pulumiCommand(o.pulumiBin)
	if err != nil {
		return stack, err
	}
	opts := []auto.LocalWorkspaceOption{
		auto.WorkDir(o.workDir),
		auto.Pulumi(cmd),
		auto.EnvVars(env),
		auto.SecretsProvider("passphrase"),
	}
	if o.pulumiHome != "" {
		opts = append(opts, auto.PulumiHome(o.pulumiHome))
		env["PULUMI_HOME"] = o.pulumiHome
	}

	if o.pluginArchive != "" {
		_, stderr, code, err := cmd.Run(ctx, o.workDir, nil, nil, nil, envList(env),
			"plugin", "install", "resource", "barrack", o.pluginVersion, "-f", o.pluginArchive)
		if err != nil {
			return stack, fmt.Errorf("pulumi plugin install resource barrack %s -f %s (exit %d): %w\n%s", o.pluginVersion, o.pluginArchive, code, err, stderr)
		}
	}

	stack, err = auto.UpsertStackInlineSource(ctx, o.stack, projectName, program(o), opts...)
	if err != nil {
		return stack, err
	}
	config := auto.ConfigMap{}
	if o.endpoint != "" {
		config["barrack:endpoint"] = auto.ConfigValue{Value: o.endpoint}
	}
	if o.apiKey != "" {
		config["barrack:apiKey"] = auto.ConfigValue{Value: o.apiKey, Secret: true}
	}
	if len(config) > 0 {
		if err := stack.SetAllConfig(ctx, config); err != nil {
			return stack, err
		}
	}
	return stack, nil
}

// pulumiCommand is the CLI at `bin` (default: pulumi on PATH). auto wants <root>/bin/pulumi.
func pulumiCommand(bin string) (auto.PulumiCommand, error) {
	opts := &auto.PulumiCommandOptions{SkipVersionCheck: true}
	if bin != "" {
		abs, err := filepath.Abs(bin)
		if err != nil {
			return nil, err
		}
		if filepath.Base(filepath.Dir(abs)) == "bin" && filepath.Base(abs) == "pulumi" {
			opts.Root = filepath.Dir(filepath.Dir(abs))
		} else {
			root, err := os.MkdirTemp("", "go-volume-pulumi-")
			if err != nil {
				return nil, err
			}
			if err := os.Mkdir(filepath.Join(root, "bin"), 0o755); err != nil {
				return nil, err
			}
			if err := os.Symlink(abs, filepath.Join(root, "bin", "pulumi")); err != nil {
				return nil, err
			}
			opts.Root = root
		}
	}
	return auto.NewPulumiCommand(opts)
}

func up(ctx context.Context, stack auto.Stack) error {
	res, err := stack.Up(ctx, optup.ProgressStreams(os.Stderr), optup.ErrorProgressStreams(os.Stderr))
	if err != nil {
		return fmt.Errorf("up: %w", err)
	}
	report("up", changesOf(res.Summary.ResourceChanges), res.Outputs)
	return nil
}

func preview(ctx context.Context, stack auto.Stack) error {
	res, err := stack.Preview(ctx, optpreview.ProgressStreams(os.Stderr), optpreview.ErrorProgressStreams(os.Stderr))
	if err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	changes := map[string]int{}
	for op, n := range res.ChangeSummary {
		changes[string(op)] = n
	}
	report("preview", changes, nil)
	return nil
}

func destroy(ctx context.Context, stack auto.Stack) error {
	res, err := stack.Destroy(ctx, optdestroy.ProgressStreams(os.Stderr), optdestroy.ErrorProgressStreams(os.Stderr))
	if err != nil {
		return fmt.Errorf("destroy: %w", err)
	}
	report("destroy", changesOf(res.Summary.ResourceChanges), nil)
	return nil
}

func changesOf(m *map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return *m
}

// report prints one JSON line: the operation, its resource changes and the stack outputs (secrets masked).
func report(op string, changes map[string]int, outputs auto.OutputMap) {
	line := map[string]any{"op": op, "changes": changes}
	if outputs != nil {
		values := map[string]any{}
		for k, v := range outputs {
			if v.Secret {
				values[k] = "[secret]"
			} else {
				values[k] = v.Value
			}
		}
		line["outputs"] = values
	}
	writeJSON(os.Stdout, line)
}

func writeJSON(w io.Writer, v any) {
	b, _ := json.Marshal(v)
	fmt.Fprintln(w, string(b))
}

func envList(env map[string]string) []string {
	var list []string
	for k, v := range env {
		list = append(list, k+"="+v)
	}
	return list
}
