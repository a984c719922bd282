// Command oracle writes the golden keystores the certctl tests compare against byte for byte.
// It runs cert-manager v1.21.1's own libraries (go-pkcs12 v0.7.2, keystore-go v4.5.0) the way
// cert-manager's pkg/controller/certificates/issuing/internal/keystore.go calls them, with a
// deterministic random stream instead of crypto/rand and a fixed time instead of time.Now().
// See ../README.md for how to build and run it; CI does not run it.
package main

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	jks "github.com/pavlo-v-chernykh/keystore-go/v4"
	"software.sslmate.com/src/go-pkcs12"
)

// stream is the deterministic random source: SHA-256(seed || counter) blocks, counter a
// big-endian uint32 from 0. The tests implement the same stream.
type stream struct {
	seed    []byte
	counter uint32
	buf     []byte
}

func (s *stream) Read(p []byte) (int, error) {
	for len(s.buf) < len(p) {
		var c [4]byte
		binary.BigEndian.PutUint32(c[:], s.counter)
		s.counter++
		sum := sha256.Sum256(append(append([]byte{}, s.seed...), c[:]...))
		s.buf = append(s.buf, sum[:]...)
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}

func newStream(seed string) *stream { return &stream{seed: []byte(seed)} }

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func readCerts(path string) []*x509.Certificate {
	data, err := os.ReadFile(path)
	must(err)
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return certs
		}
		c, err := x509.ParseCertificate(block.Bytes)
		must(err)
		certs = append(certs, c)
	}
}

func readKey(path string) interface{} {
	data, err := os.ReadFile(path)
	must(err)
	block, _ := pem.Decode(data)
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	must(err)
	return key
}

var profiles = map[string]*pkcs12.Encoder{
	"LegacyRC2":  pkcs12.LegacyRC2,
	"LegacyDES":  pkcs12.LegacyDES,
	"Modern2023": pkcs12.Modern2023,
	"Modern2026": pkcs12.Modern2026,
}

var fixedTime = time.Date(2026, 1, 2, 3, 4, 5, 678000000, time.UTC)

// aliasesInOrder lists the aliases of a stored JKS file in file order.
func aliasesInOrder(out []byte) []string {
	var aliases []string
	n := binary.BigEndian.Uint32(out[8:12])
	p := 12
	u16 := func() int { v := int(binary.BigEndian.Uint16(out[p:])); p += 2; return v }
	u32 := func() int { v := int(binary.BigEndian.Uint32(out[p:])); p += 4; return v }
	cert := func() { p += u16(); p += u32() }
	for i := uint32(0); i < n; i++ {
		tag := u32()
		l := u16()
		aliases = append(aliases, string(out[p:p+l]))
		p += l + 8
		if tag == 1 {
			p += u32()
			for c := u32(); c > 0; c-- {
				cert()
			}
		} else {
			cert()
		}
	}
	return aliases
}

// storeInOrder stores ks until Go's random map order writes the entries in the order certctl
// writes them (cert-manager's order varies from run to run).
func storeInOrder(ks jks.KeyStore, password []byte, want []string) []byte {
	for {
		buf := &bytes.Buffer{}
		must(ks.Store(buf, password))
		out := buf.Bytes()
		if fmt.Sprint(aliasesInOrder(out)) == fmt.Sprint(want) {
			return out
		}
	}
}

// addCAs adds the CAs as cert-manager's addCAsToJKSStore does: aliases ca, ca-1, ca-2...
func addCAs(ks jks.KeyStore, cas []*x509.Certificate) []string {
	var aliases []string
	for i, ca := range cas {
		a := fmt.Sprintf("ca-%d", i)
		if i == 0 {
			a = "ca"
		}
		must(ks.SetTrustedCertificateEntry(a, jks.TrustedCertificateEntry{CreationTime: fixedTime, Certificate: jks.Certificate{Type: "X509", Content: ca.Raw}}))
		aliases = append(aliases, a)
	}
	return aliases
}

func main() {
	dir := os.Args[1]
	labels := []string{"RSA-2048", "P-256", "P-384", "P-521", "Ed25519"}
	passwords := map[string]string{"ascii": "changeit", "unicode": "pässwörd-€"}
	cas := readCerts(filepath.Join(dir, "ca.pem"))
	for _, label := range labels {
		key := readKey(filepath.Join(dir, "key-"+label+".pem"))
		chain := readCerts(filepath.Join(dir, "chain-"+label+".pem"))
		for name, enc := range profiles {
			for pwName, pw := range passwords {
				if pwName == "unicode" && label != "P-256" {
					continue
				}
				seed := fmt.Sprintf("keystore/%s/%s/%s", label, name, pwName)
				all := append(append([]*x509.Certificate{}, chain[1:]...), cas...)
				out, err := enc.WithRand(newStream(seed)).Encode(key, chain[0], all, pw)
				must(err)
				must(os.WriteFile(filepath.Join(dir, fmt.Sprintf("keystore-%s-%s-%s.p12", label, name, pwName)), out, 0o644))
			}
		}
		for _, alias := range []string{"certificate", "MyAlias"} {
			if alias == "MyAlias" && label != "P-256" {
				continue
			}
			keyDER, err := x509.MarshalPKCS8PrivateKey(key)
			must(err)
			var certs []jks.Certificate
			for _, c := range chain {
				certs = append(certs, jks.Certificate{Type: "X509", Content: c.Raw})
			}
			ks := jks.New(jks.WithCustomRandomNumberGenerator(newStream("jks/" + label + "/" + alias)))
			must(ks.SetPrivateKeyEntry(alias, jks.PrivateKeyEntry{CreationTime: fixedTime, PrivateKey: keyDER, CertificateChain: certs}, []byte("changeit")))
			want := append([]string{strings.ToLower(alias)}, addCAs(ks, cas)...)
			must(os.WriteFile(filepath.Join(dir, fmt.Sprintf("keystore-%s-%s.jks", label, alias)), storeInOrder(ks, []byte("changeit"), want), 0o644))
		}
	}
	ts := jks.New()
	want := addCAs(ts, cas)
	must(os.WriteFile(filepath.Join(dir, "truststore.jks"), storeInOrder(ts, []byte("changeit"), want), 0o644))
	for name, enc := range profiles {
		out, err := enc.WithRand(newStream("truststore/" + name)).EncodeTrustStore(cas, "changeit")
		must(err)
		must(os.WriteFile(filepath.Join(dir, "truststore-"+name+".p12"), out, 0o644))
	}
}
