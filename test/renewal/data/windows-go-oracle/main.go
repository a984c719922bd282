// The oracle for certctl's renewal windows: reads cases (JSON, stdin) and answers each with
// cert-manager's own code, unmodified, as gen.sh assembles it in a throwaway GOPATH:
// internal/cron (its fork of robfig/cron v3), pkg/util.CronParse and pkg/util/pki.RenewalTime.
// Only this file and shims/ are ours.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	apiv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/cert-manager/cert-manager/pkg/util"
	"github.com/cert-manager/cert-manager/pkg/util/pki"
	acmeapi "github.com/cert-manager/cert-manager/third_party/forked/acme"
)

type nextCase struct {
	ID       string   `json:"id"`
	Cron     string   `json:"cron"`
	Timezone string   `json:"timezone"`
	After    string   `json:"after"`
	Count    int      `json:"count"`
	Error    *string  `json:"error,omitempty"`
	Times    []string `json:"times,omitempty"`
}

type locationCase struct {
	Name  string  `json:"name"`
	Error *string `json:"error,omitempty"`
	// The name the location reports (time.Location.String()).
	String string `json:"string,omitempty"`
}

type window struct {
	Cron           string `json:"cron"`
	WindowDuration string `json:"windowDuration"`
	Timezone       string `json:"timezone,omitempty"`
}

type renewal struct {
	Policy  string   `json:"policy"`
	Windows []window `json:"windows"`
}

type renewalCase struct {
	ID                    string   `json:"id"`
	NotBefore             string   `json:"notBefore"`
	NotAfter              string   `json:"notAfter"`
	Desired               string   `json:"desired,omitempty"`
	RenewBefore           string   `json:"renewBefore,omitempty"`
	RenewBeforePercentage *int32   `json:"renewBeforePercentage,omitempty"`
	Renewal               *renewal `json:"renewal,omitempty"`
	// Results: Time is absent when RenewalTime returned nil.
	Time  *string `json:"time,omitempty"`
	Error *string `json:"error,omitempty"`
}

type document struct {
	Generator string         `json:"generator"`
	Next      []nextCase     `json:"next"`
	Locations []locationCase `json:"locations"`
	Renewal   []renewalCase  `json:"renewal"`
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	must(err)
	return t
}

func format(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func str(s string) *string { return &s }

func main() {
	var doc document
	must(json.NewDecoder(os.Stdin).Decode(&doc))

	for i := range doc.Next {
		c := &doc.Next[i]
		sched, err := util.CronParse(c.Cron, c.Timezone)
		if err != nil {
			c.Error = str(err.Error())
			continue
		}
		t := parseTime(c.After)
		c.Times = []string{}
		for n := 0; n < c.Count; n++ {
			t = sched.Next(t)
			c.Times = append(c.Times, format(t))
			if t.IsZero() {
				break
			}
		}
	}

	for i := range doc.Locations {
		c := &doc.Locations[i]
		loc, err := time.LoadLocation(c.Name)
		if err != nil {
			c.Error = str(err.Error())
		} else {
			c.String = loc.String()
		}
	}

	for i := range doc.Renewal {
		c := &doc.Renewal[i]
		notBefore, notAfter := parseTime(c.NotBefore), parseTime(c.NotAfter)
		var spec *apiv1.CertificateRenewal
		if c.Renewal != nil {
			spec = &apiv1.CertificateRenewal{Policy: apiv1.CertificateRenewalPolicy(c.Renewal.Policy)}
			for _, w := range c.Renewal.Windows {
				var d *metav1.Duration
				if w.WindowDuration != "" {
					parsed, err := time.ParseDuration(w.WindowDuration)
					must(err)
					d = &metav1.Duration{Duration: parsed}
				}
				spec.Windows = append(spec.Windows, apiv1.CertificateRenewalWindows{Cron: w.Cron, WindowDuration: d, Timezone: w.Timezone})
			}
		}
		var renewBefore *metav1.Duration
		if c.RenewBefore != "" {
			d, err := time.ParseDuration(c.RenewBefore)
			must(err)
			renewBefore = &metav1.Duration{Duration: d}
		}
		var opts []pki.RenewalTimeOptions
		if c.Desired != "" {
			// An ARI window of zero width is how a test states the desired time outright:
			// selectRandTimeInARIWindow returns its start.
			d := parseTime(c.Desired)
			opts = append(opts, pki.WithARIInfo(&acmeapi.RenewalInfoResponse{SuggestedWindow: acmeapi.RenewalInfoWindow{Start: d, End: d}}))
		}
		rt, err := pki.RenewalTime(notBefore, notAfter, renewBefore, c.RenewBeforePercentage, spec, opts...)
		if err != nil {
			c.Error = str(err.Error())
		}
		if rt != nil {
			c.Time = str(format(rt.Time))
		}
	}

	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	must(enc.Encode(doc))
}
