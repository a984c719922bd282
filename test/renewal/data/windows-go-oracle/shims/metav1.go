// Stand-in for k8s.io/apimachinery/pkg/apis/meta/v1: only the two wrappers renewaltime.go uses.
package v1

import "time"

type Time struct{ time.Time }

func NewTime(t time.Time) Time { return Time{t} }

type Duration struct{ time.Duration }
