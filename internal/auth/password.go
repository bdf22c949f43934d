package auth

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// MinPasswordLength is the minimum password length in characters.
const MinPasswordLength = 12

// MaxPasswordLength bounds the work an attacker can make the server do.
const MaxPasswordLength = 256

// Argon2id parameters (OWASP's recommended minimum: 19 MiB, 2 passes, 1 lane).
// Variables, so that tests of unrelated behaviour can lower the cost.
var (
	ArgonMemory  uint32 = 19 * 1024
	ArgonTime    uint32 = 2
	ArgonThreads uint8  = 1
)

//go:embed common-passwords.txt
var commonPasswordsText string

var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(commonPasswordsText, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			m[strings.ToLower(l)] = true
		}
	}
	return m
}()

// CheckPasswordPolicy returns the i18n key of the first rule the password
// breaks, or "". Rules: at least 12 characters, not one of the most common
// passwords (or one with digits/symbols appended), not the username, not a
// single repeated character or a simple keyboard/number run.
func CheckPasswordPolicy(password, username string) string {
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLength {
		return "auth.password_too_short"
	}
	if n > MaxPasswordLength {
		return "auth.password_too_long"
	}
	lower := strings.ToLower(norm.NFC.String(password))
	if commonPasswords[lower] || commonPasswords[strings.TrimRightFunc(lower, func(r rune) bool { return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) })] {
		return "auth.password_common"
	}
	if username != "" && strings.Contains(lower, strings.ToLower(username)) {
		return "auth.password_contains_username"
	}
	if isRun(lower) {
		return "auth.password_common"
	}
	return ""
}

// isRun reports passwords made of one repeated character or one repeated
// short block ("abcabcabcabc", "121212121212").
func isRun(s string) bool {
	r := []rune(s)
	for size := 1; size <= 4; size++ {
		if len(r)%size != 0 && size > 1 {
			continue
		}
		same := true
		for i := size; i < len(r); i++ {
			if r[i] != r[i%size] {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}

// HashPassword returns an argon2id PHC string.
func HashPassword(password string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err)
	}
	key := argon2.IDKey([]byte(norm.NFC.String(password)), salt, ArgonTime, ArgonMemory, ArgonThreads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, ArgonMemory, ArgonTime, ArgonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

var errBadHash = errors.New("auth: malformed password hash")

// VerifyPassword checks a password against a PHC string in constant time
// (with respect to the password).
func VerifyPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, errBadHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(norm.NFC.String(password)), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified against when the username does not exist, so that
// the response time does not tell which usernames exist.
var dummyHash = HashPassword("ctip-dummy-password-never-valid")

// GeneratePassword returns a random one-time password of 16 characters from
// an alphabet without look-alike characters.
func GeneratePassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	// Rejection sampling: bytes at or above the largest multiple of the
	// alphabet's size are discarded, so every character is equally likely.
	limit := byte(256 - 256%len(alphabet))
	out := make([]byte, 0, 16)
	b := make([]byte, 32)
	for len(out) < 16 {
		if _, err := rand.Read(b); err != nil {
			panic(err)
		}
		for _, c := range b {
			if c < limit && len(out) < 16 {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	// Group for reading aloud: xxxx-xxxx-xxxx-xxxx.
	return string(out[0:4]) + "-" + string(out[4:8]) + "-" + string(out[8:12]) + "-" + string(out[12:16])
}
