package selfcert

import (
	"net"
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	hosts := ServiceHosts("svc", "ns", "127.0.0.1")
	b, err := Generate(hosts, now, 365*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	other, err := Generate(hosts, now, 365*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	mixed := *b
	mixed.CACert = other.CACert

	for _, tc := range []struct {
		name    string
		bundle  *Bundle
		hosts   Hosts
		at      time.Time
		wantErr string
	}{
		{"fresh", b, hosts, now, ""},
		{"covers the service and the extra IP", b, Hosts{DNSNames: []string{"svc.ns.svc", "svc.ns.svc.cluster.local"}, IPs: []net.IP{net.ParseIP("127.0.0.1")}}, now, ""},
		{"inside the renewal window", b, hosts, now.Add(340 * 24 * time.Hour), "expires at"},
		{"expired", b, hosts, now.Add(400 * 24 * time.Hour), "expires at"},
		{"a host it does not cover", b, ServiceHosts("other", "ns", ""), now, `does not cover "other.ns.svc"`},
		{"an IP it does not cover", b, Hosts{IPs: []net.IP{net.ParseIP("10.0.0.1")}}, now, "does not cover 10.0.0.1"},
		{"signed by another CA", &mixed, hosts, now, "not signed by the CA"},
		{"empty", &Bundle{}, hosts, now, "no serving certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.bundle.Check(tc.hosts, tc.at, 30*24*time.Hour)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("want an error containing %q, got %v", tc.wantErr, err)
			}
		})
	}
}

func TestServiceHosts(t *testing.T) {
	h := ServiceHosts("webhook", "system", "localhost")
	want := []string{"webhook.system.svc", "webhook.system.svc.cluster.local", "localhost"}
	if strings.Join(h.DNSNames, ",") != strings.Join(want, ",") || len(h.IPs) != 0 {
		t.Fatalf("got %+v", h)
	}
}

// Renew keeps a good bundle, re-signs with the CA while it lasts, and rotates the CA with
// the old one kept in the trust bundle, so a replica still serving an old certificate is
// trusted until its CA expires.
func TestRenew(t *testing.T) {
	const day = 24 * time.Hour
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	hosts := ServiceHosts("svc", "ns", "")
	renew := func(b *Bundle, at time.Time) *Bundle {
		t.Helper()
		r, err := Renew(b, hosts, at, 365*day, 5*365*day, 30*day)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Check(hosts, at, 30*day); err != nil {
			t.Fatalf("the renewed bundle does not serve: %v", err)
		}
		return r
	}
	trusts := func(trust []byte, b *Bundle, at time.Time) bool {
		return (&Bundle{CACert: trust, ServingCert: b.ServingCert}).Check(hosts, at, 0) == nil
	}
	cas := func(trust []byte) int { return strings.Count(string(trust), "BEGIN CERTIFICATE") }

	first := renew(&Bundle{}, now)
	if cas(first.CACert) != 1 {
		t.Fatalf("a new bundle trusts %d CAs, want 1", cas(first.CACert))
	}
	if kept := renew(first, now.Add(100*day)); !kept.Equal(first) {
		t.Fatal("a bundle that still serves was changed")
	}

	// In the serving certificate's renewal window: a new one from the same CA, nothing new to trust.
	second := renew(first, now.Add(340*day))
	if second.Equal(first) || string(second.CACert) != string(first.CACert) || string(second.CAKey) != string(first.CAKey) {
		t.Fatal("want a new serving certificate signed by the same CA")
	}

	// The CA would expire before a new serving certificate: a new CA signs it, the old CA
	// stays trusted, so the old serving certificate still verifies.
	late := now.Add(5*365*day - 200*day)
	old := renew(&Bundle{}, now) // a CA valid five years
	old = renew(old, late.Add(-365*day+20*day))
	rotated := renew(old, late)
	if string(rotated.CAKey) == string(old.CAKey) || cas(rotated.CACert) != 2 {
		t.Fatalf("want a new CA with the old one kept: %d CAs", cas(rotated.CACert))
	}
	if !trusts(rotated.CACert, old, late) {
		t.Fatal("the rotated trust bundle no longer trusts the old serving certificate")
	}

	// Once the old CA has expired it is dropped from the trust bundle.
	if pruned := renew(rotated, now.Add(5*365*day+day)); cas(pruned.CACert) != 1 {
		t.Fatalf("an expired CA is still trusted: %d CAs", cas(pruned.CACert))
	}
}

// A bundle kept in a Secret under any keys reads back the same, and a Secret without them
// reads as an empty bundle (which Renew replaces).
func TestSecretKeys(t *testing.T) {
	keys := SecretKeys{CACert: "a", CAKey: "b", ServingCert: "c", ServingKey: "d"}
	b := &Bundle{[]byte("1"), []byte("2"), []byte("3"), []byte("4")}
	data := keys.Data(b)
	if len(data) != 4 || !keys.Bundle(data).Equal(b) {
		t.Errorf("data %v reads back as %+v", data, keys.Bundle(data))
	}
	if !keys.Bundle(nil).Equal(&Bundle{}) {
		t.Error("no data reads as a bundle with parts")
	}
}
