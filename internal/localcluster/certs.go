package localcluster

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/multigres/multigres-operator/internal/selfcert"
)

// writeCerts writes the API server's CA and serving certificate and the service account
// signing key pair into dir.
func writeCerts(dir string) error {
	hosts := selfcert.Hosts{DNSNames: []string{"localhost", "kubernetes", "kubernetes.default.svc"},
		IPs: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.0.0.1")}}
	b, err := selfcert.Generate(hosts, time.Now(), 30*24*time.Hour)
	if err != nil {
		return err
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return err
	}
	files := map[string][]byte{
		"ca.crt":        b.CACert,
		"ca.key":        b.CAKey,
		"apiserver.crt": b.ServingCert,
		"apiserver.key": b.ServingKey,
		"sa.key":        pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
		"sa.pub":        pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}
