package resolve

import (
	"testing"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

func TestDataDeletedWithOwner(t *testing.T) {
	pool := func(p v1beta1.RetentionPolicy) v1beta1.PoolSpec {
		var s v1beta1.PoolSpec
		if p != "" {
			s.DataVolumeRetentionPolicy = &v1beta1.VolumeRetentionPolicy{WhenDeleted: p}
		}
		return s
	}
	for _, tc := range []struct {
		name  string
		pools []v1beta1.PoolSpec
		want  bool
	}{
		{"no pools: nothing to delete with", nil, false},
		{"unset is Retain", []v1beta1.PoolSpec{pool("")}, false},
		{"one pool retains", []v1beta1.PoolSpec{pool(v1beta1.DeleteVolume), pool(v1beta1.RetainVolume)}, false},
		{"every pool deletes", []v1beta1.PoolSpec{pool(v1beta1.DeleteVolume), pool(v1beta1.DeleteVolume)}, true},
	} {
		if got := DataDeletedWithOwner(tc.pools); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
