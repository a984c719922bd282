// Stand-in for github.com/cert-manager/cert-manager/third_party/forked/acme: the ARI response type.
package acme

import "time"

type RenewalInfoWindow struct {
	Start time.Time
	End   time.Time
}

type RenewalInfoResponse struct {
	SuggestedWindow RenewalInfoWindow
	ExplanationURL  string
	RetryAfter      time.Duration
}
