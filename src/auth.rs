//! GraphQL sign-in: bearer JWTs verified with an HS256 secret or an RS256/ES256 public key.
//!
//! A token's `sub` is our user id; `exp` is required; `iss` and `aud` are checked when
//! configured (decisions.md 4). Development mode signs and verifies with a random secret
//! generated at start (decisions.md 5).

use std::path::Path;

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::config::{Config, Secret};

/// The shortest HS256 secret accepted, in bytes.
pub const MIN_SECRET_LEN: usize = 32;

/// The claims this server reads from and writes into tokens.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// Expiry, seconds since the Unix epoch.
    pub exp: i64,
    /// Issued at, seconds since the Unix epoch (optional in RFC 7519, so optional here); a
    /// token issued in the future (beyond the leeway) is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// Not before, seconds since the Unix epoch; honoured when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// Issuer, when configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// Audience, when configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
}

/// Why the token keys could not be set up from configuration.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The secret is too short to be safe.
    #[error("JWT_SECRET must be at least {MIN_SECRET_LEN} bytes")]
    SecretTooShort,
    /// The public or private key file could not be read.
    #[error("cannot read key file {path}")]
    Read {
        /// The file.
        path: String,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// The PEM holds neither an RSA nor an EC P-256 key.
    #[error("key file {path} holds neither an RSA nor an EC P-256 key in PEM form")]
    UnsupportedKey {
        /// The file.
        path: String,
    },
    /// Both a secret and a public key were configured.
    #[error("configure either JWT_SECRET or JWT_PUBLIC_KEY_FILE, not both")]
    Ambiguous,
}

/// Checks bearer tokens.
#[derive(Clone)]
pub struct TokenVerifier {
    key: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("algorithms", &self.validation.algorithms)
            .finish_non_exhaustive()
    }
}

/// Why a bearer token was refused (never shown to the client in detail).
#[derive(Debug, thiserror::Error)]
#[error("invalid bearer token: {0}")]
pub struct InvalidToken(#[from] jsonwebtoken::errors::Error);

impl TokenVerifier {
    /// Verifies signature, algorithm, expiry, `nbf`, `iat` and the configured issuer and
    /// audience, each time claim with `JWT_LEEWAY_SECS` of clock skew.
    pub fn verify(&self, token: &str) -> Result<Claims, InvalidToken> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation)?.claims;
        let latest = Utc::now()
            .timestamp()
            .saturating_add_unsigned(self.validation.leeway);
        if claims.iat.is_some_and(|iat| iat > latest) {
            let kind = jsonwebtoken::errors::ErrorKind::ImmatureSignature;
            return Err(InvalidToken(kind.into()));
        }
        Ok(claims)
    }
}

/// Mints tokens (the `token` subcommand, development mode and tests).
#[derive(Clone)]
pub struct TokenIssuer {
    key: EncodingKey,
    algorithm: Algorithm,
    issuer: Option<String>,
    audience: Option<String>,
}

impl TokenIssuer {
    /// An HS256 issuer; `config` supplies `iss` and `aud` when they are configured.
    pub fn hs256(secret: &Secret, config: &Config) -> Self {
        Self {
            key: EncodingKey::from_secret(secret.expose().as_bytes()),
            algorithm: Algorithm::HS256,
            issuer: config.jwt_issuer.clone(),
            audience: config.jwt_audience.clone(),
        }
    }

    /// An RS256 or ES256 issuer from a PEM private key file (the kind is detected).
    pub fn from_private_key_file(path: &Path, config: &Config) -> Result<Self, KeyError> {
        let pem = read_key_file(path)?;
        let (key, algorithm) = if let Ok(key) = EncodingKey::from_rsa_pem(&pem) {
            (key, Algorithm::RS256)
        } else if let Ok(key) = EncodingKey::from_ec_pem(&pem) {
            (key, Algorithm::ES256)
        } else {
            return Err(KeyError::UnsupportedKey {
                path: path.display().to_string(),
            });
        };
        Ok(Self {
            key,
            algorithm,
            issuer: config.jwt_issuer.clone(),
            audience: config.jwt_audience.clone(),
        })
    }

    /// A signed token for `user_id`, valid for `ttl`.
    pub fn mint(&self, user_id: &str, ttl: chrono::Duration) -> Result<String, InvalidToken> {
        let now = Utc::now();
        let claims = Claims {
            sub: user_id.to_owned(),
            iat: Some(now.timestamp()),
            nbf: None,
            exp: (now + ttl).timestamp(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        };
        Ok(jsonwebtoken::encode(
            &Header::new(self.algorithm),
            &claims,
            &self.key,
        )?)
    }
}

/// The verifier for the server, plus an issuer when the server holds the signing secret.
#[derive(Clone)]
pub struct TokenKeys {
    /// Checks incoming tokens.
    pub verifier: TokenVerifier,
    /// Mints tokens; present for HS256 and in development mode.
    pub issuer: Option<TokenIssuer>,
}

impl TokenKeys {
    /// Keys from configuration; in development mode, a fresh random secret.
    pub fn from_config(config: &Config) -> Result<Self, KeyError> {
        match (&config.jwt_secret, &config.jwt_public_key_file) {
            (Some(_), Some(_)) => Err(KeyError::Ambiguous),
            (Some(secret), None) => Self::hs256(secret, config),
            (None, Some(path)) => Self::public_key(path, config),
            (None, None) => Self::hs256(&random_secret(), config),
        }
    }

    fn hs256(secret: &Secret, config: &Config) -> Result<Self, KeyError> {
        if secret.expose().len() < MIN_SECRET_LEN {
            return Err(KeyError::SecretTooShort);
        }
        let key = DecodingKey::from_secret(secret.expose().as_bytes());
        Ok(Self {
            verifier: verifier(key, Algorithm::HS256, config),
            issuer: Some(TokenIssuer::hs256(secret, config)),
        })
    }

    fn public_key(path: &Path, config: &Config) -> Result<Self, KeyError> {
        let pem = read_key_file(path)?;
        let (key, algorithm) = if let Ok(key) = DecodingKey::from_rsa_pem(&pem) {
            (key, Algorithm::RS256)
        } else if let Ok(key) = DecodingKey::from_ec_pem(&pem) {
            (key, Algorithm::ES256)
        } else {
            return Err(KeyError::UnsupportedKey {
                path: path.display().to_string(),
            });
        };
        Ok(Self {
            verifier: verifier(key, algorithm, config),
            issuer: None,
        })
    }
}

fn verifier(key: DecodingKey, algorithm: Algorithm, config: &Config) -> TokenVerifier {
    let mut validation = Validation::new(algorithm);
    validation.leeway = config.jwt_leeway_secs;
    validation.validate_nbf = true;
    let mut required = vec!["exp", "sub"];
    if let Some(issuer) = &config.jwt_issuer {
        validation.set_issuer(&[issuer]);
        required.push("iss");
    }
    match &config.jwt_audience {
        Some(audience) => {
            validation.set_audience(&[audience]);
            required.push("aud");
        }
        None => validation.validate_aud = false,
    }
    validation.set_required_spec_claims(&required);
    TokenVerifier { key, validation }
}

fn read_key_file(path: &Path) -> Result<Vec<u8>, KeyError> {
    std::fs::read(path).map_err(|source| KeyError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// 32 random bytes, hex-encoded: the development-mode signing secret.
fn random_secret() -> Secret {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    Secret::new(bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// The token in an `Authorization: Bearer …` header value, if it has that form.
pub fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_with_secret() -> Config {
        Config {
            jwt_secret: Some(Secret::new("x".repeat(40))),
            ..Config::default()
        }
    }

    #[test]
    fn a_minted_token_verifies_and_carries_the_user_id() {
        let keys = TokenKeys::from_config(&config_with_secret()).unwrap();
        let token = keys
            .issuer
            .unwrap()
            .mint("user-1", chrono::Duration::minutes(5))
            .unwrap();
        assert_eq!(keys.verifier.verify(&token).unwrap().sub, "user-1");
    }

    #[test]
    fn an_expired_token_is_refused() {
        let keys = TokenKeys::from_config(&config_with_secret()).unwrap();
        let token = keys
            .issuer
            .unwrap()
            .mint("user-1", chrono::Duration::minutes(-5))
            .unwrap();
        assert!(keys.verifier.verify(&token).is_err());
    }

    fn signed(claims: &serde_json::Value) -> String {
        let key = EncodingKey::from_secret("x".repeat(40).as_bytes());
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key).unwrap()
    }

    #[test]
    fn clock_skew_is_the_configured_leeway_and_nbf_and_iat_are_honoured() {
        let keys = TokenKeys::from_config(&config_with_secret()).unwrap();
        let now = Utc::now().timestamp();
        let leeway = i64::try_from(Config::default().jwt_leeway_secs).unwrap();
        let verify = |claims: serde_json::Value| keys.verifier.verify(&signed(&claims)).is_ok();
        assert!(verify(
            serde_json::json!({"sub": "u", "exp": now - leeway + 2})
        ));
        assert!(!verify(
            serde_json::json!({"sub": "u", "exp": now - leeway - 2})
        ));
        assert!(
            !verify(serde_json::json!({"sub": "u", "exp": now - 30})),
            "30 s is past a few seconds' skew"
        );
        assert!(!verify(
            serde_json::json!({"sub": "u", "exp": now + 600, "nbf": now + 60})
        ));
        assert!(verify(
            serde_json::json!({"sub": "u", "exp": now + 600, "nbf": now - 60})
        ));
        assert!(!verify(
            serde_json::json!({"sub": "u", "exp": now + 600, "iat": now + 3_600})
        ));
        assert!(verify(
            serde_json::json!({"sub": "u", "exp": now + 600, "iat": now})
        ));
    }

    #[test]
    fn a_short_secret_is_refused() {
        let config = Config {
            jwt_secret: Some(Secret::new("short")),
            ..Config::default()
        };
        assert!(matches!(
            TokenKeys::from_config(&config),
            Err(KeyError::SecretTooShort)
        ));
    }

    #[test]
    fn bearer_tokens_are_read_case_insensitively() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
    }
}
