//! Sign-in rules: passwords, TOTP codes, session lifetimes and the brute-force limit.
//!
//! Hashing is CPU work, not I/O, so it lives here; callers run it off the async executor.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use time::{Duration, OffsetDateTime};

use crate::FieldError;
use crate::text::EmailAddress;

pub const PASSWORD_MIN_CHARS: usize = 12;

/// How long an invitation to choose a first password works.
pub const INVITATION_DAYS: i64 = 7;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Common passwords of 12 or more characters, lower-cased, one a line (see `data/common-passwords.SOURCE.md`).
const COMMON_PASSWORDS: &str = include_str!("../data/common-passwords.txt");

/// Checks a new password against the policy: length only, no composition rules, not a common
/// password and not built from the person's own email address.
pub fn check_new_password(field: &'static str, password: &str, email: Option<&EmailAddress>) -> Result<(), FieldError> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(FieldError::new(field, format!("Password must be {PASSWORD_MIN_CHARS} characters or more")));
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(FieldError::new(field, format!("Password must be {PASSWORD_MAX_CHARS} characters or fewer")));
    }
    let lowered = password.to_lowercase();
    if is_common_password(&lowered) {
        return Err(FieldError::new(field, "That password is too common. Choose a password that is harder to guess"));
    }
    if let Some(email) = email {
        let local = email.local_part();
        if local.chars().count() >= 4 && lowered.contains(local) {
            return Err(FieldError::new(field, "Password must not contain your email address"));
        }
    }
    Ok(())
}

fn is_common_password(lowered: &str) -> bool {
    COMMON_PASSWORDS.lines().any(|l| l == lowered)
}

/// Hashes a password with Argon2id and a fresh random salt, as a PHC string.
pub fn hash_password(password: &str) -> String {
    Argon2::default()
        .hash_password(password.as_bytes())
        .expect("Argon2id with default parameters cannot fail on a password within policy length")
        .to_string()
}

/// Checks a password against a stored PHC hash. A malformed hash never verifies.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash of a random password that nobody knows, verified against when an account does not exist
/// so that a wrong email takes as long as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&random_token()))
}

/// A 256-bit random value, URL-safe, for session ids, CSRF tokens and API tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---- TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) ----

pub const TOTP_STEP_SECONDS: i64 = 30;

/// A TOTP shared secret, held as its base32 text (how authenticator apps show it).
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(String);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(..)")
    }
}

impl TotpSecret {
    /// A new random 160-bit secret.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 20];
        rand::fill(&mut bytes);
        Self(base32_encode(&bytes))
    }

    /// Accepts a stored or documented base32 secret of at least 128 bits.
    pub fn from_base32(s: &str) -> Option<Self> {
        let cleaned: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        let bytes = base32_decode(&cleaned)?;
        (bytes.len() >= 16).then_some(Self(cleaned))
    }

    pub fn as_base32(&self) -> &str {
        &self.0
    }

    /// The secret grouped in fours, easier to type into an app by hand.
    pub fn grouped(&self) -> String {
        self.0.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect::<Vec<_>>().join(" ")
    }

    /// The `otpauth://` URI an authenticator app reads from the QR code.
    pub fn provisioning_uri(&self, account: &str) -> String {
        format!(
            "otpauth://totp/Hearth:{}?secret={}&issuer=Hearth&algorithm=SHA1&digits=6&period={}",
            percent_encode(account),
            self.0,
            TOTP_STEP_SECONDS
        )
    }

    /// The code for a given time step.
    pub fn code_at_step(&self, step: i64) -> String {
        let key = base32_decode(&self.0).unwrap_or_default();
        let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(&key).expect("HMAC takes a key of any length");
        mac.update(&step.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        let offset = (digest[digest.len() - 1] & 0x0f) as usize;
        let value = u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
        format!("{:06}", value % 1_000_000)
    }

    /// Checks a code against the steps around `now` (one either side, for clock drift), refusing any
    /// step at or before `last_used_step` so that a code can never be used twice.
    /// Returns the step that matched, which the caller must record as used.
    pub fn verify(&self, code: &str, now: OffsetDateTime, last_used_step: Option<i64>) -> Option<i64> {
        let code: String = code.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let current = step_at(now);
        (current - 1..=current + 1)
            .filter(|s| last_used_step.is_none_or(|last| *s > last))
            .find(|s| constant_time_eq(self.code_at_step(*s).as_bytes(), code.as_bytes()))
    }
}

pub fn step_at(now: OffsetDateTime) -> i64 {
    now.unix_timestamp().div_euclid(TOTP_STEP_SECONDS)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let n = u64::from_be_bytes([0, 0, 0, buf[0], buf[1], buf[2], buf[3], buf[4]]);
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..chars {
            out.push(BASE32[((n >> (35 - i * 5)) & 31) as usize] as char);
        }
    }
    out
}

fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut bits: u64 = 0;
    let mut count = 0;
    let mut out = Vec::new();
    for c in s.trim_end_matches('=').bytes() {
        let v = BASE32.iter().position(|b| *b == c)? as u64;
        bits = (bits << 5) | v;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

// ---- Sessions and the brute-force limit ----

/// How long a session may live: ended after `idle` without a request, and after `absolute` regardless.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self { idle: Duration::minutes(30), absolute: Duration::hours(12) }
    }
}

impl SessionPolicy {
    pub fn is_live(&self, created_at: OffsetDateTime, last_seen_at: OffsetDateTime, now: OffsetDateTime) -> bool {
        now - last_seen_at < self.idle && now - created_at < self.absolute
    }
}

/// The limits on guessing. Failures are counted apart for the two steps:
///
/// - **Passwords** are counted by account and source together, where the source is the address
///   the attempt came from, or a device that has completed MFA for that account before (a
///   device cookie). So nobody can lock a colleague out from elsewhere: their failures fill only
///   their own address's count, and the colleague's own known device has a count of its own.
///   From an address (not a known device) three wider limits apply too: failures from that
///   address for any accounts (spraying one password across many), failures for the account
///   from every address (guessing from many), and failures overall (a large attack). Past any
///   of these, only known devices are let in.
/// - **MFA codes** are counted by account, whatever the password step does: a correct password
///   never clears them. After every `mfa_failures` wrong codes in a day, MFA for the account is
///   refused for `mfa_lock` from the last wrong code, doubling with each further run (5, 10,
///   20 minutes…) up to `mfa_lock_max`. A correct code clears them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInLimit {
    pub per_account_and_source: i64,
    pub per_address: i64,
    pub per_account: i64,
    pub overall: i64,
    pub window: Duration,
    pub mfa_failures: i64,
    pub mfa_lock: Duration,
    pub mfa_lock_max: Duration,
}

impl Default for SignInLimit {
    fn default() -> Self {
        Self {
            per_account_and_source: 10,
            per_address: 30,
            per_account: 50,
            overall: 1000,
            window: Duration::minutes(5),
            mfa_failures: 10,
            mfa_lock: Duration::minutes(5),
            mfa_lock_max: Duration::hours(24),
        }
    }
}

/// Password failures within the window, counted as the limits need them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PasswordFailures {
    /// For this account from this source (address or known device).
    pub account_and_source: i64,
    /// From this address, for any account.
    pub address: i64,
    /// For this account, from anywhere.
    pub account: i64,
    /// For any account from anywhere.
    pub overall: i64,
}

/// How long MFA counts wrong codes for its growing lock.
pub const MFA_MEMORY: Duration = Duration::hours(24);

impl SignInLimit {
    /// Whether a password attempt is refused, given the failures so far and whether it comes
    /// from a device that has completed MFA for the account before.
    pub fn refuses_password(&self, f: &PasswordFailures, known_device: bool) -> bool {
        if f.account_and_source >= self.per_account_and_source {
            return true;
        }
        !known_device && (f.address >= self.per_address || f.account >= self.per_account || f.overall >= self.overall)
    }

    /// Until when MFA is refused for an account, given its wrong codes in the last day and when
    /// the last was. `None`: not refused.
    pub fn mfa_locked_until(&self, failures: i64, last: Option<OffsetDateTime>) -> Option<OffsetDateTime> {
        let runs = failures / self.mfa_failures.max(1);
        let last = last?;
        if runs < 1 {
            return None;
        }
        let doubling = 2i64.saturating_pow(u32::try_from(runs - 1).unwrap_or(u32::MAX).min(40));
        let lock = self.mfa_lock.checked_mul(i32::try_from(doubling).unwrap_or(i32::MAX)).unwrap_or(self.mfa_lock_max).min(self.mfa_lock_max);
        Some(last + lock)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_policy_is_length_and_deny_list_only() {
        assert!(check_new_password("p", "short", None).is_err());
        assert!(check_new_password("p", &"x".repeat(129), None).is_err());
        assert!(check_new_password("p", "correct horse battery", None).is_ok());
        assert!(check_new_password("p", "all lower case no digits", None).is_ok(), "no composition rules");
        assert!(check_new_password("p", "PasswordPassword", None).is_err(), "deny-list is case-insensitive");
        let email = EmailAddress::parse("email", "sam.okafor@hearth.example").unwrap();
        assert!(check_new_password("p", "Sam.Okafor-2024!", Some(&email)).is_err());
        assert!(check_new_password("p", "ü".repeat(12).as_str(), None).is_ok(), "length counts characters");
    }

    #[test]
    fn the_deny_list_is_shipped_and_holds_only_long_entries() {
        let entries: Vec<_> = COMMON_PASSWORDS.lines().collect();
        assert!(entries.len() > 100, "{} entries", entries.len());
        assert!(entries.iter().all(|e| e.chars().count() >= PASSWORD_MIN_CHARS && *e == e.to_lowercase()));
    }

    #[test]
    fn hashes_verify_only_their_password() {
        let h = hash_password("a long enough password");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("a long enough password", &h));
        assert!(!verify_password("a long enough passworD", &h));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn totp_matches_rfc_6238_test_vectors() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", 8-digit codes truncated to 6.
        let secret = TotpSecret(base32_encode(b"12345678901234567890"));
        assert_eq!(secret.code_at_step(59 / 30), "287082");
        assert_eq!(secret.code_at_step(1111111109 / 30), "081804");
        assert_eq!(secret.code_at_step(2000000000 / 30), "279037");
    }

    #[test]
    fn a_totp_code_cannot_be_used_twice() {
        let secret = TotpSecret::generate();
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let code = secret.code_at_step(step_at(now));
        let step = secret.verify(&code, now, None).expect("fresh code verifies");
        assert_eq!(secret.verify(&code, now, Some(step)), None, "the same code again is refused");
        assert_eq!(secret.verify("000000x", now, None), None);
        let later = now + Duration::minutes(5);
        assert_eq!(secret.verify(&code, later, None), None, "an old code is refused");
    }

    #[test]
    fn base32_round_trips() {
        for len in 0..25 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(base32_decode(&base32_encode(&bytes)).unwrap(), bytes);
        }
        assert!(TotpSecret::from_base32("not base32!").is_none());
        assert!(TotpSecret::from_base32("ABCD").is_none(), "too short");
    }

    #[test]
    fn sessions_end_when_idle_or_old() {
        let p = SessionPolicy::default();
        let t0 = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        assert!(p.is_live(t0, t0, t0 + Duration::minutes(29)));
        assert!(!p.is_live(t0, t0, t0 + Duration::minutes(30)));
        assert!(p.is_live(t0, t0 + Duration::hours(11), t0 + Duration::hours(11) + Duration::minutes(10)));
        assert!(!p.is_live(t0, t0 + Duration::hours(12), t0 + Duration::hours(12) + Duration::minutes(1)));
    }

    #[test]
    fn passwords_are_limited_by_account_and_source_and_wider_limits_spare_known_devices() {
        let l = SignInLimit::default();
        let f = |account_and_source, address, account, overall| PasswordFailures { account_and_source, address, account, overall };
        assert!(!l.refuses_password(&f(9, 9, 9, 9), false));
        assert!(l.refuses_password(&f(10, 10, 10, 10), false), "10 failures already: the 11th attempt from there is refused");
        assert!(l.refuses_password(&f(10, 0, 10, 10), true), "a known device has its own count, and it is limited too");
        assert!(l.refuses_password(&f(0, 30, 30, 30), false), "one address spraying many accounts");
        assert!(l.refuses_password(&f(0, 0, 50, 50), false), "one account guessed from many addresses");
        assert!(l.refuses_password(&f(0, 0, 0, 1000), false), "a large attack");
        assert!(!l.refuses_password(&f(0, 30, 50, 1000), true), "the person's own device is still let in");
    }

    #[test]
    fn mfa_locks_after_ten_wrong_codes_for_a_growing_time() {
        let l = SignInLimit::default();
        let t = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        assert_eq!(l.mfa_locked_until(9, Some(t)), None);
        assert_eq!(l.mfa_locked_until(10, Some(t)), Some(t + Duration::minutes(5)));
        assert_eq!(l.mfa_locked_until(19, Some(t)), Some(t + Duration::minutes(5)), "each wrong code after the first run locks again");
        assert_eq!(l.mfa_locked_until(20, Some(t)), Some(t + Duration::minutes(10)));
        assert_eq!(l.mfa_locked_until(40, Some(t)), Some(t + Duration::minutes(40)));
        assert_eq!(l.mfa_locked_until(10_000, Some(t)), Some(t + Duration::hours(24)), "never longer than a day");
        assert_eq!(l.mfa_locked_until(0, None), None);
    }
}
