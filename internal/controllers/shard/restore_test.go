package shard

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/multigres/multigres-operator/internal/components"
)

// runCopy runs copyScript with sh, the source and target directories standing for the Job's
// mounts, and returns its combined output.
func runCopy(t *testing.T, source, target string) (string, error) {
	t.Helper()
	script := strings.ReplaceAll(copyScript, restoreSource, source)
	script = strings.ReplaceAll(script, components.BackupDir, target)
	out, err := exec.Command("sh", "-c", script).CombinedOutput()
	return string(out), err
}

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func listFiles(t *testing.T, root string) []string {
	t.Helper()
	var got []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, path)
			got = append(got, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	return got
}

func TestCopyScriptKeepsTheArchiveUpToTheNewestBackup(t *testing.T) {
	const (
		info = `[backrest]
backrest-format=5

[backup:current]
20261205-000000F={"backup-archive-start":"000000010000000000000002","backup-archive-stop":"000000010000000000000002","backup-type":"full"}
20261205-000000F_20261205-010000I={"backup-archive-start":"000000010000000000000004","backup-archive-stop":"000000010000000000000005","backup-type":"incr"}

[db]
db-id=1
`
		segments = "archive/multigres/17-1/0000000100000000/"
	)
	source, target := t.TempDir(), t.TempDir()
	writeFiles(t, source, map[string]string{
		"backup/multigres/backup.info":                                           info,
		"backup/multigres/20261205-000000F/backup.manifest":                      "m",
		"archive/multigres/archive.info":                                         "a",
		segments + "000000010000000000000002-aa.gz":                              "",
		segments + "000000010000000000000004.00000028.backup":                    "",
		segments + "000000010000000000000005-bb.gz":                              "",
		segments + "000000010000000000000006-cc.gz":                              "", // after the newest backup
		"archive/multigres/17-1/00000002.history":                                "", // a timeline begun after it
		"archive/multigres/17-1/0000000200000000/000000020000000000000006-dd.gz": "",
		"lost+found/x": "", // the volume's, not the repository's
	})
	if out, err := runCopy(t, source, target); err != nil {
		t.Fatalf("copy failed: %v\n%s", err, out)
	}
	want := []string{
		"archive/multigres/17-1/0000000100000000/000000010000000000000002-aa.gz",
		"archive/multigres/17-1/0000000100000000/000000010000000000000004.00000028.backup",
		"archive/multigres/17-1/0000000100000000/000000010000000000000005-bb.gz",
		"archive/multigres/archive.info",
		"backup/multigres/20261205-000000F/backup.manifest",
		"backup/multigres/backup.info",
	}
	if got := listFiles(t, target); !slices.Equal(got, want) {
		t.Errorf("copied %v\nwant %v", got, want)
	}
	if got := listFiles(t, source); len(got) != 10 {
		t.Errorf("the source changed: %v", got)
	}
}

func TestCopyScriptRefusesARepositoryWithoutBackups(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"no backup":  {"backup/multigres/backup.info": "[backrest]\nbackrest-format=5\n", "archive/multigres/archive.info": ""},
		"encrypted":  {"backup/multigres/backup.info": "\x53\x61\x6c\x74\x65\x64\x5f\x5f\x01\x02", "archive/multigres/archive.info": ""},
		"empty disk": {"lost+found/x": ""},
	} {
		t.Run(name, func(t *testing.T) {
			source := t.TempDir()
			writeFiles(t, source, files)
			out, err := runCopy(t, source, t.TempDir())
			if err == nil || !strings.Contains(out, "lists no complete backup") {
				t.Errorf("copy of a repository with %s: err %v, output %q; want a failure saying so", name, err, out)
			}
		})
	}
}
