//! Signing in and out, sessions, API tokens and passwords (argon2id).

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use base::{PersonId, RecordId, Timestamp};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use store::auth::ApiToken;

use crate::{Actor, App, AuthMethod, Caller, Error, Result, UserError};

/// Longest password accepted. Argon2 takes any length; this only stops absurd inputs.
const MAX_PASSWORD_BYTES: usize = 1024;
/// Shortest password a person may set.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Sessions are touched at most this often, so reads do not all become writes.
const TOUCH_EVERY_MS: i64 = 5 * 60 * 1000;

/// The languages the pages are written in, as the tags [`App::set_language`] accepts.
pub const PAGE_LANGUAGES: [&str; 2] = ["zh-CN", "en"];

/// A sign-in attempt.
#[derive(Debug, Clone)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// The client's address, for throttling.
    pub client: String,
}

/// A successful sign-in: the secret for the cookie and the CSRF token for forms.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub person: PersonId,
    /// The session secret. Only its hash is stored.
    pub token: String,
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

/// A new API token: the secret is shown once.
#[derive(Debug, Clone)]
pub struct ApiTokenCreated {
    pub token: ApiToken,
    pub secret: String,
}

/// `n` random bytes as URL-safe base64.
pub(crate) fn random_secret(n: usize) -> Result<String> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).map_err(|e| Error::internal(anyhow::anyhow!("no randomness from the OS: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(buf))
}

/// The stored form of a secret: its SHA-256 in hex. Secrets are 256 random bits, so a fast hash is
/// enough (unlike passwords).
pub(crate) fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// How much work each password hash costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCost {
    /// argon2id with 19 MiB and 2 passes (OWASP's recommendation): about 25 ms on a school box.
    Standard,
    /// argon2id with 64 KiB and 1 pass: only for tests and benchmarks of other things, which make
    /// hundreds of accounts. Never for real accounts.
    CheapForTests,
}

impl PasswordCost {
    fn hasher(self) -> Result<Argon2<'static>> {
        match self {
            PasswordCost::Standard => Ok(Argon2::default()),
            PasswordCost::CheapForTests => {
                let params =
                    argon2::Params::new(64, 1, 1, None).map_err(|e| Error::internal(anyhow::anyhow!("{e}")))?;
                Ok(Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params))
            }
        }
    }
}

/// Hashes a password with argon2id and a fresh salt (blocking: call off the async threads).
pub fn hash_password(password: &str, cost: PasswordCost) -> Result<String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(
            UserError::invalid("password", format!("must have at least {MIN_PASSWORD_CHARS} characters")).into()
        );
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(UserError::invalid("password", format!("must be at most {MAX_PASSWORD_BYTES} bytes")).into());
    }
    cost.hasher()?
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::internal(anyhow::anyhow!("hashing a password failed: {e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    password.len() <= MAX_PASSWORD_BYTES && Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
}

/// A fixed argon2id hash to verify against when the username does not exist, so that a wrong
/// username takes as long as a wrong password and does not reveal which usernames exist.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$xYkR9zFhNw2Hh5zV8p4q0yU1dX1mG3eY3nF7wW3b8kE";

impl App {
    /// Runs password work off the async threads, at most one hash per core at a time. The permit
    /// is taken before the work starts, so a request cancelled while waiting never hashes.
    async fn hashing<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let permit = self.hashing.clone().acquire_owned().await.map_err(Error::internal)?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(Error::internal)
    }

    /// Signs a person in. Wrong usernames and passwords get the same error and take the same time;
    /// repeated failures are throttled per username and per client.
    pub async fn login(&self, req: LoginRequest) -> Result<SignedIn> {
        let now = self.now();
        let retry = self
            .throttle
            .lock()
            .map_err(|_| Error::internal(anyhow::anyhow!("throttle lock poisoned")))?
            .check(&req.username, &req.client, now);
        if let Err(retry_after_seconds) = retry {
            return Err(UserError::RateLimited { retry_after_seconds }.into());
        }
        let mut conn = self.store.read().await?;
        let creds = store::people::credentials(&mut conn, req.username.trim()).await?;
        drop(conn);
        let (hash, person) = match &creds {
            Some(c) if c.enabled => (c.password_hash.clone(), Some(c.person.clone())),
            _ => (None, None),
        };
        let password = req.password.clone();
        let ok = self
            .hashing(move || match hash {
                Some(h) => verify_password(&password, &h),
                None => {
                    verify_password(&password, DUMMY_HASH);
                    false
                }
            })
            .await?;
        let Some(person) = person.filter(|_| ok) else {
            self.throttle.lock().map_err(|_| Error::internal(anyhow::anyhow!("throttle lock poisoned")))?.fail(
                &req.username,
                &req.client,
                now,
            );
            let entry = self.audit_entry(
                &Caller::Operator { user: "server".into() },
                "login-failed",
                &format!("username:{}", req.username.chars().take(64).collect::<String>()),
                None,
                &format!("from {}", req.client),
            );
            self.audit_now(vec![entry]).await?;
            return Err(UserError::BadCredentials.into());
        };
        self.throttle
            .lock()
            .map_err(|_| Error::internal(anyhow::anyhow!("throttle lock poisoned")))?
            .succeed(&req.username);
        let token = random_secret(32)?;
        let csrf_token = random_secret(32)?;
        let expires_at = now.plus_seconds(self.config.session_idle_seconds);
        let mut tx = self.store.write().await?;
        store::auth::create_session(&mut tx, &secret_hash(&token), &person, &csrf_token, now, expires_at).await?;
        let entry = audit::NewEntry {
            at: now,
            actor: person.to_string(),
            action: "login".into(),
            subject: format!("person:{person}"),
            basis: "own".into(),
            detail: format!("from {}", req.client),
        };
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(SignedIn { person, token, csrf_token, expires_at })
    }

    /// Ends a session.
    pub async fn logout(&self, token: &str) -> Result<()> {
        let mut tx = self.store.write().await?;
        store::auth::delete_session(&mut tx, &secret_hash(token)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Keeps the language the person chose for the pages on their account, so that signing in
    /// on any device brings it back. Only the languages the pages are written in are kept.
    pub async fn set_language(&self, actor: &Actor, language: &str) -> Result<()> {
        if !PAGE_LANGUAGES.contains(&language) {
            return Err(UserError::invalid("language", format!("choose one of {}", PAGE_LANGUAGES.join(", "))).into());
        }
        let mut tx = self.store.write().await?;
        store::auth::set_language(&mut tx, actor.person(), language, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The actor behind a session cookie, or `Unauthenticated`.
    pub async fn authenticate_session(&self, token: &str) -> Result<Actor> {
        let now = self.now();
        let hash = secret_hash(token);
        let mut conn = self.store.read().await?;
        let Some(session) = store::auth::session(&mut conn, &hash, now).await? else {
            return Err(UserError::Unauthenticated.into());
        };
        let principal = store::facts::principal(&mut conn, &session.person, now.date_utc()).await?;
        drop(conn);
        if now.millis() - session.last_seen_at.millis() > TOUCH_EVERY_MS {
            let created_cap = session.expires_at.plus_seconds(self.config.session_max_seconds);
            let expires = now.plus_seconds(self.config.session_idle_seconds).min(created_cap);
            let mut tx = self.store.write().await?;
            store::auth::touch_session(&mut tx, &hash, now, expires).await?;
            tx.commit().await?;
        }
        Ok(Actor {
            principal,
            auth: AuthMethod::Session { token_hash: hash, csrf_token: session.csrf_token },
            language: session.language,
        })
    }

    /// The actor behind an API token, or `Unauthenticated`.
    pub async fn authenticate_token(&self, secret: &str) -> Result<Actor> {
        let now = self.now();
        let mut conn = self.store.read().await?;
        let Some(token) = store::auth::token_by_hash(&mut conn, &secret_hash(secret), now).await? else {
            return Err(UserError::Unauthenticated.into());
        };
        let principal = store::facts::principal(&mut conn, &token.person, now.date_utc()).await?;
        drop(conn);
        if token.last_used_at.is_none_or(|t| now.millis() - t.millis() > 3_600_000) {
            let mut tx = self.store.write().await?;
            store::auth::mark_token_used(&mut tx, &token.id, now).await?;
            tx.commit().await?;
        }
        Ok(Actor { principal, auth: AuthMethod::Token { id: token.id }, language: None })
    }

    /// Checks a form's or header's CSRF token against the session's (tokens need none).
    pub fn check_csrf(&self, actor: &Actor, presented: Option<&str>) -> Result<()> {
        match &actor.auth {
            AuthMethod::Token { .. } => Ok(()),
            AuthMethod::Session { csrf_token, .. } => {
                let ok = presented.is_some_and(|p| {
                    let (a, b) = (Sha256::digest(p.as_bytes()), Sha256::digest(csrf_token.as_bytes()));
                    // Comparing digests keeps the comparison's timing independent of the token.
                    a == b
                });
                if ok { Ok(()) } else { Err(UserError::CsrfFailed.into()) }
            }
        }
    }

    /// Creates an API token for the caller's own use.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        name: &str,
        valid_days: Option<i64>,
    ) -> Result<ApiTokenCreated> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(UserError::invalid("name", "give the token a name of 1 to 100 characters").into());
        }
        let now = self.now();
        let secret = format!("ink_{}", random_secret(32)?);
        let token = ApiToken {
            id: RecordId::parse(crate::new_id()).map_err(Error::internal)?,
            person: actor.person().clone(),
            name: name.to_owned(),
            created_at: now,
            expires_at: valid_days.map(|d| now.plus_seconds(d.clamp(1, 3650) * 86_400)),
            last_used_at: None,
            revoked_at: None,
        };
        let mut tx = self.store.write().await?;
        store::auth::create_token(&mut tx, &token, &secret_hash(&secret)).await?;
        let caller = Caller::Person(actor.clone());
        let entry = self.audit_entry(&caller, "create-token", &format!("token:{}", token.id), None, name);
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(ApiTokenCreated { token, secret })
    }

    /// The caller's own tokens.
    pub async fn api_tokens(&self, actor: &Actor) -> Result<Vec<ApiToken>> {
        let mut conn = self.store.read().await?;
        Ok(store::auth::tokens_of(&mut conn, actor.person()).await?)
    }

    /// Revokes one of the caller's own tokens.
    pub async fn revoke_api_token(&self, actor: &Actor, id: &RecordId) -> Result<()> {
        let mut tx = self.store.write().await?;
        if !store::auth::revoke_token(&mut tx, id, actor.person(), self.now()).await? {
            return Err(UserError::NotFound { what: "token" }.into());
        }
        let caller = Caller::Person(actor.clone());
        let entry = self.audit_entry(&caller, "revoke-token", &format!("token:{id}"), None, "");
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes the caller's own password after checking the current one; ends their other sessions.
    pub async fn change_password(&self, actor: &Actor, current: &str, new: &str) -> Result<()> {
        let mut conn = self.store.read().await?;
        let person = store::people::get(&mut conn, actor.person()).await?.ok_or(UserError::Unauthenticated)?;
        let username = person.username.clone().ok_or(UserError::Unauthenticated)?;
        let creds = store::people::credentials(&mut conn, &username).await?.ok_or(UserError::Unauthenticated)?;
        drop(conn);
        let (current, new) = (current.to_owned(), new.to_owned());
        let old_hash = creds.password_hash.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let cost = self.config.password_cost;
        let hashed = self
            .hashing(move || {
                if !verify_password(&current, &old_hash) {
                    return Err(Error::User(UserError::BadCredentials));
                }
                hash_password(&new, cost)
            })
            .await??;
        let mut tx = self.store.write().await?;
        store::people::set_password_hash(&mut tx, actor.person(), &hashed, self.now()).await?;
        store::auth::delete_sessions_of(&mut tx, actor.person()).await?;
        let caller = Caller::Person(actor.clone());
        let entry = self.audit_entry(&caller, "change-password", &format!("person:{}", actor.person()), None, "");
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a person's password as the operator (initial passwords, resets).
    pub async fn set_password(&self, caller: &Caller, username: &str, new: &str) -> Result<()> {
        if caller.actor().is_some() {
            return Err(UserError::Forbidden("passwords are reset by the operator at the command line".into()).into());
        }
        let mut conn = self.store.read().await?;
        let creds =
            store::people::credentials(&mut conn, username).await?.ok_or(UserError::NotFound { what: "username" })?;
        drop(conn);
        let new = new.to_owned();
        let cost = self.config.password_cost;
        let hashed = self.hashing(move || hash_password(&new, cost)).await??;
        let mut tx = self.store.write().await?;
        store::people::set_password_hash(&mut tx, &creds.person, &hashed, self.now()).await?;
        store::auth::delete_sessions_of(&mut tx, &creds.person).await?;
        let entry = self.audit_entry(caller, "set-password", &format!("person:{}", creds.person), None, "");
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
