// Package selfcert lets the operator serve its webhooks without cert-manager: it keeps a CA
// and a serving certificate in a Secret, serves the certificate from memory, injects the CA
// into the webhook configurations and CRDs, and renews both before they expire.
package selfcert

import (
	"bytes"
	"cmp"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"slices"
	"time"

	"github.com/multigres/multigres-operator/internal/names"
)

// Bundle is a CA and a serving certificate signed by it, PEM encoded, as kept in the Secret.
type Bundle struct {
	CACert, CAKey, ServingCert, ServingKey []byte
}

// SecretKeys name where a Bundle's parts are kept in a Secret's data.
type SecretKeys struct {
	CACert, CAKey, ServingCert, ServingKey string
}

// Bundle reads the bundle data holds (empty parts where keys are missing).
func (k SecretKeys) Bundle(data map[string][]byte) *Bundle {
	return &Bundle{data[k.CACert], data[k.CAKey], data[k.ServingCert], data[k.ServingKey]}
}

// Data is b as a Secret's data.
func (k SecretKeys) Data(b *Bundle) map[string][]byte {
	return map[string][]byte{k.CACert: b.CACert, k.CAKey: b.CAKey, k.ServingCert: b.ServingCert, k.ServingKey: b.ServingKey}
}

// Equal reports whether b and o hold the same bytes.
func (b *Bundle) Equal(o *Bundle) bool {
	return bytes.Equal(b.CACert, o.CACert) && bytes.Equal(b.CAKey, o.CAKey) &&
		bytes.Equal(b.ServingCert, o.ServingCert) && bytes.Equal(b.ServingKey, o.ServingKey)
}

// Hosts are the names a serving certificate must cover.
type Hosts struct {
	DNSNames []string
	IPs      []net.IP
	// CommonName is the certificate's subject; empty, the first DNS name.
	CommonName string
	// Client makes the certificate good for TLS clients too (mutual TLS between peers).
	Client bool
}

// Generate makes a new CA and a serving certificate for hosts, both valid from now for validity.
func Generate(hosts Hosts, now time.Time, validity time.Duration) (*Bundle, error) {
	ca, caKey, err := newCA(now, validity)
	if err != nil {
		return nil, err
	}
	return issue(ca, caKey, hosts, now, validity)
}

// Renew returns what the Secret should hold at now: b itself while its serving certificate
// serves hosts beyond now+renewBefore, else a new serving certificate for validity, signed by
// b's CA when that CA outlives it, or else by a new CA valid for caValidity.
//
// CACert is the trust bundle the API server is given: the signing CA first, then the earlier
// CAs until they expire. So a replica still serving a certificate of the earlier CA stays
// trusted while the others move to the new one: no request fails during a rotation.
func Renew(b *Bundle, hosts Hosts, now time.Time, validity, caValidity, renewBefore time.Duration) (*Bundle, error) {
	trust := unexpired(b.CACert, now)
	if b.Check(hosts, now, renewBefore) == nil {
		kept := *b
		kept.CACert = trust
		return &kept, nil
	}
	ca, caKey, err := parseCA(b.CACert, b.CAKey)
	if err != nil || ca.NotAfter.Before(now.Add(validity)) {
		if ca, caKey, err = newCA(now, caValidity); err != nil {
			return nil, err
		}
		trust = append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}), trust...)
	}
	renewed, err := issue(ca, caKey, hosts, now, validity)
	if err != nil {
		return nil, err
	}
	renewed.CACert = trust
	return renewed, nil
}

func newCA(now time.Time, validity time.Duration) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	caTemplate := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "multigres-operator-webhook-ca"},
		NotBefore:             now.Add(-time.Hour), // tolerate clock skew between nodes
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	return ca, caKey, err
}

// issue signs a serving certificate for hosts with ca, valid from now for validity.
func issue(ca *x509.Certificate, caKey *ecdsa.PrivateKey, hosts Hosts, now time.Time, validity time.Duration) (*Bundle, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	template := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: cmp.Or(hosts.CommonName, firstOr(hosts.DNSNames, "multigres-operator-webhook"))},
		DNSNames:     hosts.DNSNames,
		IPAddresses:  hosts.IPs,
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(validity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if hosts.Client {
		template.ExtKeyUsage = append(template.ExtKeyUsage, x509.ExtKeyUsageClientAuth)
	}
	der, err := x509.CreateCertificate(rand.Reader, template, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caKeyPEM, err := keyPEM(caKey)
	if err != nil {
		return nil, err
	}
	servingKeyPEM, err := keyPEM(key)
	if err != nil {
		return nil, err
	}
	return &Bundle{
		CACert:      pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}),
		CAKey:       caKeyPEM,
		ServingCert: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		ServingKey:  servingKeyPEM,
	}, nil
}

// parseCA reads the signing CA: the first certificate of the trust bundle, with its key.
func parseCA(certPEM, keyPEM []byte) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	block, _ := pem.Decode(certPEM)
	if block == nil {
		return nil, nil, errors.New("no CA certificate")
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, nil, err
	}
	keyBlock, _ := pem.Decode(keyPEM)
	if keyBlock == nil {
		return nil, nil, errors.New("no CA key")
	}
	key, err := x509.ParseECPrivateKey(keyBlock.Bytes)
	if err != nil {
		return nil, nil, err
	}
	if !key.PublicKey.Equal(ca.PublicKey) {
		return nil, nil, errors.New("the CA key does not match the CA certificate")
	}
	return ca, key, nil
}

// unexpired keeps the certificates of a PEM bundle still valid at now, in order.
func unexpired(bundle []byte, now time.Time) []byte {
	var out []byte
	for block, rest := pem.Decode(bundle); block != nil; block, rest = pem.Decode(rest) {
		if cert, err := x509.ParseCertificate(block.Bytes); err == nil && now.Before(cert.NotAfter) {
			out = append(out, pem.EncodeToMemory(block)...)
		}
	}
	return out
}

// Check says why b cannot serve hosts until now+renewBefore, or nil when it can.
func (b *Bundle) Check(hosts Hosts, now time.Time, renewBefore time.Duration) error {
	block, _ := pem.Decode(b.ServingCert)
	if block == nil {
		return errors.New("no serving certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return fmt.Errorf("parsing the serving certificate: %w", err)
	}
	if now.Add(renewBefore).After(cert.NotAfter) {
		return fmt.Errorf("the serving certificate expires at %s", cert.NotAfter.Format(time.RFC3339))
	}
	for _, name := range hosts.DNSNames {
		if !slices.Contains(cert.DNSNames, name) {
			return fmt.Errorf("the serving certificate does not cover %q", name)
		}
	}
	for _, ip := range hosts.IPs {
		if !slices.ContainsFunc(cert.IPAddresses, ip.Equal) {
			return fmt.Errorf("the serving certificate does not cover %s", ip)
		}
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b.CACert) {
		return errors.New("no CA certificate")
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: pool, CurrentTime: now}); err != nil {
		return fmt.Errorf("the serving certificate is not signed by the CA: %w", err)
	}
	return nil
}

func keyPEM(k *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	return n
}

func firstOr(s []string, def string) string {
	if len(s) > 0 {
		return s[0]
	}
	return def
}

// ServiceHosts are the names the API server dials a webhook Service by, plus extra (a host
// name or IP) when set.
func ServiceHosts(service, namespace, extra string) Hosts {
	host := names.ServiceHost(service, namespace)
	h := Hosts{DNSNames: []string{host, host + ".cluster.local"}}
	if ip := net.ParseIP(extra); ip != nil {
		h.IPs = append(h.IPs, ip)
	} else if extra != "" {
		h.DNSNames = append(h.DNSNames, extra)
	}
	return h
}
