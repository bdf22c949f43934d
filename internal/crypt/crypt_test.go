package crypt

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestSealOpenRoundTrip(t *testing.T) {
	k := NewKeyring()
	ad := AD("intake_items", "reporter_name", "row-1")
	ct := k.Seal([]byte("Nguyễn Thị Hoa"), ad)
	if bytes.Contains(ct, []byte("Hoa")) {
		t.Fatal("ciphertext contains plaintext")
	}
	pt, err := k.Open(ct, ad)
	if err != nil || string(pt) != "Nguyễn Thị Hoa" {
		t.Fatalf("Open = %q, %v", pt, err)
	}
	if KeyIDOf(ct) != 1 {
		t.Fatalf("key id = %d", KeyIDOf(ct))
	}
}

func TestOpenRefusesOtherRowColumnOrTamper(t *testing.T) {
	k := NewKeyring()
	ct := k.Seal([]byte("0912345678"), AD("t", "phone", "r1"))
	for name, ad := range map[string][]byte{
		"other row":    AD("t", "phone", "r2"),
		"other column": AD("t", "name", "r1"),
		"other table":  AD("u", "phone", "r1"),
	} {
		if _, err := k.Open(ct, ad); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: err = %v, want ErrOpen", name, err)
		}
	}
	bad := bytes.Clone(ct)
	bad[len(bad)-1] ^= 1
	if _, err := k.Open(bad, AD("t", "phone", "r1")); !errors.Is(err, ErrOpen) {
		t.Errorf("tampered: err = %v", err)
	}
	if _, err := k.Open([]byte{1, 2, 3}, nil); !errors.Is(err, ErrOpen) {
		t.Errorf("short: err = %v", err)
	}
}

func TestEmptySealsToNil(t *testing.T) {
	k := NewKeyring()
	if ct := k.Seal(nil, nil); ct != nil {
		t.Fatalf("Seal(nil) = %v", ct)
	}
	if pt, err := k.Open(nil, nil); pt != nil || err != nil {
		t.Fatalf("Open(nil) = %v, %v", pt, err)
	}
}

func TestRotationKeepsOldValuesReadable(t *testing.T) {
	k := NewKeyring()
	ad := AD("t", "c", "r")
	old := k.Seal([]byte("secret"), ad)
	id := k.AddKey()
	if id != 2 || k.ActiveKeyID() != 2 {
		t.Fatalf("AddKey = %d, active %d", id, k.ActiveKeyID())
	}
	fresh := k.Seal([]byte("secret"), ad)
	if KeyIDOf(fresh) != 2 || KeyIDOf(old) != 1 {
		t.Fatal("wrong key ids")
	}
	if pt, err := k.Open(old, ad); err != nil || string(pt) != "secret" {
		t.Fatalf("old value: %q %v", pt, err)
	}
	if err := k.RemoveKey(2); err == nil {
		t.Fatal("removed the active key")
	}
	if err := k.RemoveKey(1); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Open(old, ad); !errors.Is(err, ErrOpen) {
		t.Fatal("value under a removed key still opens")
	}
}

func TestLoadOrCreatePersistsWithMode0600(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "ctip.keys")
	k, created, err := LoadOrCreate(path)
	if err != nil || !created {
		t.Fatalf("LoadOrCreate: created=%v err=%v", created, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %v", st.Mode().Perm())
	}
	ad := AD("t", "c", "r")
	ct := k.Seal([]byte("x"), ad)
	bi := k.BlindIndex("d", "v")
	k2, created, err := LoadOrCreate(path)
	if err != nil || created {
		t.Fatalf("reload: created=%v err=%v", created, err)
	}
	if pt, err := k2.Open(ct, ad); err != nil || string(pt) != "x" {
		t.Fatalf("reloaded key cannot open: %v", err)
	}
	if k2.BlindIndex("d", "v") != bi {
		t.Fatal("blind index changed after reload")
	}
}

func TestLoadRejectsBrokenFiles(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"json":   "{",
		"format": `{"format":2}`,
		"active": `{"format":1,"active":3,"keys":{"1":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="},"index_key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`,
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o600)
		if _, err := Load(p); err == nil {
			t.Errorf("%s: loaded a broken key file", name)
		}
	}
}

func TestBlindIndexSeparatesDomains(t *testing.T) {
	k := NewKeyring()
	a := k.BlindIndex("person.phone", "0912345678")
	if a == "" || a != k.BlindIndex("person.phone", "0912345678") {
		t.Fatal("blind index not deterministic")
	}
	if a == k.BlindIndex("person.id_number", "0912345678") {
		t.Fatal("domains not separated")
	}
	if NewKeyring().BlindIndex("person.phone", "0912345678") == a {
		t.Fatal("index does not depend on the key")
	}
	if k.BlindIndex("d", "") != "" {
		t.Fatal("empty value must give empty index")
	}
}
