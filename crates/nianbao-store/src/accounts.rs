//! Accounts of the agency workbench: users with a role (administrator; agency staff for
//! one or more agencies; supervisor, read-only, over the agencies under a region),
//! passwords hashed with Argon2id, sessions kept in the store (only the SHA-256 of the
//! token is stored, so a copy of the database opens no session), and the audit log.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::db::{on_pool, Store};
use crate::{now, Error, Result};

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// 管理员: users, the calendar, every agency.
    Admin,
    /// 机关工作人员: the cases of their agencies.
    Staff,
    /// 监督者: reads the agencies under a region, changes nothing.
    Supervisor,
}

impl Role {
    /// `admin` / `staff` / `supervisor`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::Supervisor => "supervisor",
        }
    }

    /// The role of a name.
    pub fn from_name(s: &str) -> Option<Role> {
        [Role::Admin, Role::Staff, Role::Supervisor]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// A signed-in user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Login name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// For a supervisor: the division code their view is limited to.
    pub region_code: Option<String>,
    /// For staff: the agencies they work for.
    pub agencies: Vec<String>,
}

/// A session: its user and the CSRF token every form of the session must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Who.
    pub user: User,
    /// The session's CSRF token.
    pub csrf: String,
}

/// 32 random bytes as hex.
pub fn random_token() -> Result<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| Error::Engine(format!("无法取得随机数：{e}")))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| Error::Engine(format!("无法取得随机数：{e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| Error::Engine(e.to_string()))?;
    // Argon2id with the crate's defaults (19 MiB, 2 passes, 1 lane: OWASP's minimum).
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| Error::Engine(e.to_string()))?
        .to_string())
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;

impl Store {
    /// Creates a user; `agencies` for staff, `region_code` for a supervisor.
    pub async fn create_user(
        &self,
        name: &str,
        password: &str,
        role: Role,
        agencies: &[String],
        region_code: Option<&str>,
    ) -> Result<i64> {
        if password.chars().count() < 10 {
            return Err(Error::Question("密码至少 10 个字符".into()));
        }
        let hash = hash_password(password)?;
        let at = now();
        let id = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE name = $1").bind(name).fetch_optional(&mut *tx).await?;
            if exists.is_some() {
                return Err(Error::Question(format!("用户“{name}”已存在")));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (name, password_hash, role, region_code, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(name).bind(&hash).bind(role.as_str()).bind(region_code).bind(&at)
            .fetch_one(&mut *tx).await?;
            for a in agencies {
                sqlx::query("INSERT INTO user_agencies (user_id, agency) VALUES ($1, $2)").bind(id).bind(a).execute(&mut *tx).await?;
            }
            sqlx::query("INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES ($1, NULL, 'create_user', $2, $3)")
                .bind(&at).bind(format!("user:{id}")).bind(format!("{name}（{}）", role.as_str()))
                .execute(&mut *tx).await?;
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    async fn user(&self, id: i64) -> Result<Option<User>> {
        let row: Option<(i64, String, String, Option<String>)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, name, role, region_code FROM users WHERE id = $1").bind(id).fetch_optional(pool).await?
        });
        let Some((id, name, role, region_code)) = row else {
            return Ok(None);
        };
        let agencies: Vec<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT agency FROM user_agencies WHERE user_id = $1 ORDER BY agency").bind(id).fetch_all(pool).await?
        });
        let role =
            Role::from_name(&role).ok_or_else(|| Error::Engine(format!("未知角色 {role}")))?;
        Ok(Some(User {
            id,
            name,
            role,
            region_code,
            agencies,
        }))
    }

    /// Checks a name and password; on success opens a session and returns its token (for
    /// the cookie) and the session. A wrong name and a wrong password are the same `None`.
    pub async fn login(&self, name: &str, password: &str) -> Result<Option<(String, Session)>> {
        let row: Option<(i64, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, password_hash FROM users WHERE name = $1").bind(name).fetch_optional(pool).await?
        });
        // Verify against a throw-away hash when the user is unknown: the same work either
        // way, so timing does not tell which names exist.
        static NOBODY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let nobody = match NOBODY.get() {
            Some(h) => h.as_str(),
            None => NOBODY
                .get_or_init(|| hash_password("nobody-has-this-password").unwrap_or_default())
                .as_str(),
        };
        let ok = verify_password(password, row.as_ref().map_or(nobody, |r| r.1.as_str()))
            && row.is_some();
        let at = now();
        let Some((id, _)) = row.filter(|_| ok) else {
            on_pool!(self, pool => {
                sqlx::query("INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES ($1, NULL, 'login_failed', $2, '')")
                    .bind(&at).bind(format!("name:{name}")).execute(pool).await?;
            });
            return Ok(None);
        };
        let token = random_token()?;
        let csrf = random_token()?;
        let expires =
            (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(SESSION_HOURS)).to_string();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO sessions (token_sha256, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(crate::sha256_hex(token.as_bytes())).bind(id).bind(&csrf).bind(&at).bind(&expires)
                .execute(&mut *tx).await?;
            sqlx::query("INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES ($1, $2, 'login', $3, '')")
                .bind(&at).bind(id).bind(format!("user:{id}")).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        let user = self
            .user(id)
            .await?
            .ok_or_else(|| Error::Engine("用户在登录时被删除".into()))?;
        Ok(Some((token, Session { user, csrf })))
    }

    /// The live session of a cookie token, if any.
    pub async fn session(&self, token: &str) -> Result<Option<Session>> {
        let row: Option<(i64, String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT user_id, csrf, expires_at FROM sessions WHERE token_sha256 = $1")
                .bind(crate::sha256_hex(token.as_bytes())).fetch_optional(pool).await?
        });
        let Some((user_id, csrf, expires)) = row else {
            return Ok(None);
        };
        let live = expires
            .parse::<jiff::Timestamp>()
            .is_ok_and(|e| e > jiff::Timestamp::now());
        if !live {
            self.logout(token).await?;
            return Ok(None);
        }
        Ok(self.user(user_id).await?.map(|user| Session { user, csrf }))
    }

    /// Ends a session.
    pub async fn logout(&self, token: &str) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE token_sha256 = $1").bind(crate::sha256_hex(token.as_bytes())).execute(pool).await?;
        });
        Ok(())
    }

    /// Writes one line of the audit log: who did what to which subject (`case:17` …).
    pub async fn audit(
        &self,
        user_id: Option<i64>,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES ($1, $2, $3, $4, $5)")
                .bind(now()).bind(user_id).bind(action).bind(subject).bind(detail).execute(pool).await?;
        });
        Ok(())
    }

    /// The audit log of a subject (or all, for `None`), newest first: (at, user, action, subject, detail).
    pub async fn audit_log(
        &self,
        subject: Option<&str>,
        limit: i64,
    ) -> Result<Vec<(String, Option<String>, String, String, String)>> {
        const SELECT: &str = "SELECT l.at, u.name, l.action, l.subject, l.detail FROM audit_log l LEFT JOIN users u ON u.id = l.user_id";
        Ok(on_pool!(self, pool => match subject {
            Some(s) => sqlx::query_as(crate::db::built(format!("{SELECT} WHERE l.subject = $1 ORDER BY l.id DESC LIMIT $2")))
                .bind(s).bind(limit).fetch_all(pool).await?,
            None => sqlx::query_as(crate::db::built(format!("{SELECT} ORDER BY l.id DESC LIMIT $1"))).bind(limit).fetch_all(pool).await?,
        }))
    }
}
