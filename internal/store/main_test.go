package store_test

import (
	"testing"

	"ctip/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }
