package storetest_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/ottpay-toolkit/ottpay/sandbox/storetest"
)

// The sample records set every field (and every field of their refunds
// and attempts), so the round-trip test covers a field added later: this
// fails until the samples set it too.
func TestSampleRecordsSetEveryField(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	o, d := storetest.FullOrder("X", at), storetest.FullDelivery("CB", "X", at)
	checkAllSet(t, "Order", reflect.ValueOf(o))
	checkAllSet(t, "Delivery", reflect.ValueOf(d))
}

func checkAllSet(t *testing.T, path string, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			if v.Interface().(time.Time).IsZero() {
				t.Errorf("%s is zero", path)
			}
			return
		}
		for i := range v.NumField() {
			checkAllSet(t, path+"."+v.Type().Field(i).Name, v.Field(i))
		}
	case reflect.Slice:
		if v.Len() == 0 {
			t.Errorf("%s is empty", path)
		}
		// Every field must be set in at least one element.
		for i := range v.Type().Elem().NumField() {
			set := false
			for j := range v.Len() {
				if !v.Index(j).Field(i).IsZero() {
					set = true
				}
			}
			if !set {
				t.Errorf("%s[].%s is zero in every element", path, v.Type().Elem().Field(i).Name)
			}
		}
	default:
		if v.IsZero() {
			t.Errorf("%s is zero", path)
		}
	}
}
