//! Moving a student's whole record to another school as one signed bundle.
//!
//! The sending school signs the bundle with its ed25519 key; the receiving school imports it only
//! if the signature verifies against a key it trusts (exchanged beforehand, by the county or in
//! person). The move is recorded at both ends: a `transfer_out` record and ended enrollments at
//! the sender, a new student with a `transfer_in` record and the earlier history at the receiver.
//! Consents do not travel: the new school must ask again, as the law expects of a new controller.

use base::{Date, OrgId, PersonId, RecordId, Timestamp};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use records::{AdminRecord, AdminRecordKind, NationalStudentId, Person, PersonName, Role, RoleAssignment, Sex};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use store::instance::{Direction, Instance, Peer, Transfer};
use store::people::Source;

use crate::{App, Caller, Error, Result, UserError};

/// The format tag of version 1 bundles.
pub const BUNDLE_FORMAT: &str = "inkstone-transfer/1";
/// Largest bundle accepted, in bytes.
pub const MAX_BUNDLE_BYTES: usize = 16 << 20;

/// A signed bundle as written to disk or sent: the payload's exact bytes, signed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SignedBundle {
    pub format: String,
    /// The sender's public key, base64.
    pub public_key: String,
    /// The payload JSON, base64 (signed as these exact bytes).
    pub payload: String,
    /// The ed25519 signature of the payload bytes, base64.
    pub signature: String,
}

/// What a bundle says about the student. A versioned file format, hence serde.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BundlePayload {
    pub from_school: String,
    pub from_server: String,
    pub to_school: String,
    pub created_at: String,
    pub leaving_date: String,
    pub student: BundleStudent,
    pub enrollments: Vec<BundleEnrollment>,
    pub results: Vec<BundleResult>,
    pub attendance: Vec<BundleAttendance>,
    pub admin_records: Vec<BundleAdminRecord>,
    pub placements: Vec<BundlePlacement>,
}

/// The student as the sender knew them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BundleStudent {
    pub sourced_id: String,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Option<String>,
    pub sex: String,
    pub grades: Vec<String>,
    pub identifier: Option<String>,
    pub national_student_id: Option<String>,
}

/// A class the student took.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BundleEnrollment {
    pub class: String,
    pub subjects: Vec<String>,
    pub begin: Option<String>,
    pub end: Option<String>,
}

/// A result.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BundleResult {
    pub class: String,
    pub title: String,
    pub category: String,
    pub score: Option<f64>,
    pub max_score: f64,
    pub grade: Option<String>,
    pub recorded_at: String,
}

/// Attendance on a day.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BundleAttendance {
    pub class: String,
    pub day: String,
    pub status: String,
}

/// An administrative record.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BundleAdminRecord {
    pub kind: String,
    pub day: String,
    pub detail: String,
}

/// A placement.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BundlePlacement {
    pub kind: String,
    pub destination: String,
    pub programme: Option<String>,
    pub year: i32,
}

/// What a successful import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferredIn {
    pub student: PersonId,
    pub from_school: String,
    pub results: usize,
    pub attendance: usize,
}

fn signing_key_from(instance: &Instance) -> Result<SigningKey> {
    let bytes = STANDARD.decode(&instance.signing_key).map_err(Error::internal)?;
    let bytes: [u8; 32] =
        bytes.try_into().map_err(|_| Error::internal(anyhow::anyhow!("stored signing key has the wrong length")))?;
    Ok(SigningKey::from_bytes(&bytes))
}

fn bad(why: impl Into<String>) -> Error {
    Error::User(UserError::BadBundle(why.into()))
}

impl App {
    /// This server's identity, made on first use.
    pub async fn instance(&self) -> Result<Instance> {
        let mut conn = self.store.read().await?;
        if let Some(i) = store::instance::get(&mut conn).await? {
            return Ok(i);
        }
        drop(conn);
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| Error::internal(anyhow::anyhow!("no randomness from the OS: {e}")))?;
        let new = Instance {
            name: self.config.instance_name.clone(),
            signing_key: STANDARD.encode(secret),
            created_at: self.now(),
        };
        let mut tx = self.store.write().await?;
        let instance = store::instance::create_if_missing(&mut tx, &new).await?;
        tx.commit().await?;
        Ok(instance)
    }

    /// This server's public key (base64), to give to schools that will receive its transfers.
    pub async fn public_key(&self) -> Result<String> {
        let key = signing_key_from(&self.instance().await?)?;
        Ok(STANDARD.encode(key.verifying_key().to_bytes()))
    }

    /// Trusts another school's public key for incoming transfers (the operator or an administrator of this server's organisation).
    pub async fn trust_peer(&self, caller: &Caller, public_key: &str, name: &str) -> Result<()> {
        let basis = match caller {
            Caller::Operator { .. } => None,
            Caller::Person(_) => self.authorize_admin_of(caller, &self.home_org().await?).await?,
        };
        let bytes: [u8; 32] = STANDARD
            .decode(public_key.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| UserError::invalid("public_key", "expected a base64 ed25519 public key (32 bytes)"))?;
        VerifyingKey::from_bytes(&bytes)
            .map_err(|_| UserError::invalid("public_key", "not a valid ed25519 public key"))?;
        let peer = Peer {
            public_key: STANDARD.encode(bytes),
            name: name.trim().to_owned(),
            added_at: self.now(),
            added_by: caller.audit_name(),
        };
        let mut tx = self.store.write().await?;
        store::instance::trust_peer(&mut tx, &peer).await?;
        let entry =
            self.audit_entry(caller, "trust-peer", &format!("peer:{}", peer.public_key), basis.as_ref(), &peer.name);
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Writes a student's whole record as a signed bundle for `to_school`, and records the
    /// departure here: a `transfer_out` record, enrollments ended on `leaving`, sign-in disabled.
    pub async fn export_transfer(
        &self,
        caller: &Caller,
        student: &PersonId,
        to_school: &str,
        leaving: Date,
    ) -> Result<Vec<u8>> {
        let basis = self.authorize_student(caller, access::Access::WriteRecord, student).await?;
        let to_school = crate::records_api_text("to_school", to_school, 200)?;
        let instance = self.instance().await?;
        let key = signing_key_from(&instance)?;
        let home = self.home_org().await?;
        let mut conn = self.store.read().await?;
        let person = store::people::get(&mut conn, student).await?.ok_or(UserError::NotFound { what: "student" })?;
        let from_school = store::teaching::org(&mut conn, person.primary_org.as_ref().unwrap_or(&home))
            .await?
            .map_or_else(|| instance.name.clone(), |o| o.name);
        let nsid = store::people::national_student_id(&mut conn, student).await?;
        let mut enrollments = Vec::new();
        let mut class_titles = std::collections::HashMap::new();
        for e in store::teaching::enrollments_of_person(&mut conn, student).await? {
            let class = store::teaching::class(&mut conn, &e.class).await?;
            let title = class.as_ref().map_or_else(|| e.class.to_string(), |c| c.title.clone());
            class_titles.insert(e.class.to_string(), title.clone());
            enrollments.push(BundleEnrollment {
                class: title,
                subjects: class.map(|c| c.subjects).unwrap_or_default(),
                begin: e.begin.map(|d| d.to_string()),
                end: e.end.map(|d| d.to_string()),
            });
        }
        let mut results = Vec::new();
        for r in store::coursework::results_of_student(&mut conn, student).await? {
            let Some(item) = store::coursework::line_item(&mut conn, &r.line_item).await? else { continue };
            results.push(BundleResult {
                class: class_titles.get(item.class.as_str()).cloned().unwrap_or_else(|| item.class.to_string()),
                title: item.title,
                category: item.category.as_str().to_owned(),
                score: r.score.map(records::Score::value),
                max_score: item.max_score,
                grade: r.grade,
                recorded_at: r.recorded_at.to_rfc3339(),
            });
        }
        let attendance = store::coursework::attendance_of_student(&mut conn, student)
            .await?
            .into_iter()
            .map(|a| BundleAttendance {
                class: class_titles.get(a.class.as_str()).cloned().unwrap_or_else(|| a.class.to_string()),
                day: a.date.to_string(),
                status: a.status.as_str().to_owned(),
            })
            .collect();
        let admin_records = store::history::admin_records(&mut conn, student)
            .await?
            .into_iter()
            .map(|a| BundleAdminRecord { kind: a.kind.as_str().to_owned(), day: a.date.to_string(), detail: a.detail })
            .collect();
        let placements = store::history::placements(&mut conn, student)
            .await?
            .into_iter()
            .map(|p| BundlePlacement {
                kind: p.kind.as_str().to_owned(),
                destination: p.destination,
                programme: p.programme,
                year: p.year,
            })
            .collect();
        drop(conn);
        let payload = BundlePayload {
            from_school: from_school.clone(),
            from_server: instance.name.clone(),
            to_school: to_school.clone(),
            created_at: self.now().to_rfc3339(),
            leaving_date: leaving.to_string(),
            student: BundleStudent {
                sourced_id: person.sourced_id.clone(),
                given_name: person.given_name.to_string(),
                family_name: person.family_name.to_string(),
                birth_date: person.birth_date.map(|d| d.to_string()),
                sex: person.sex.as_str().to_owned(),
                grades: person.grades.clone(),
                identifier: person.identifier.clone(),
                national_student_id: nsid.map(|n| n.expose().to_owned()),
            },
            enrollments,
            results,
            attendance,
            admin_records,
            placements,
        };
        let payload_bytes = serde_json::to_vec(&payload).map_err(Error::internal)?;
        let signature = key.sign(&payload_bytes);
        let bundle = SignedBundle {
            format: BUNDLE_FORMAT.to_owned(),
            public_key: STANDARD.encode(key.verifying_key().to_bytes()),
            payload: STANDARD.encode(&payload_bytes),
            signature: STANDARD.encode(signature.to_bytes()),
        };
        let bytes = serde_json::to_vec_pretty(&bundle).map_err(Error::internal)?;
        let digest = hex::encode(Sha256::digest(&bytes));

        let now = self.now();
        let mut tx = self.store.write().await?;
        let record = AdminRecord {
            id: RecordId::parse(crate::new_id()).map_err(Error::internal)?,
            student: student.clone(),
            kind: AdminRecordKind::TransferOut,
            date: leaving,
            org: Some(person.primary_org.clone().unwrap_or(home)),
            detail: format!("transferred to {to_school} (bundle sha256 {})", &digest[..16]),
        };
        store::history::insert_admin_record(&mut tx, &record, &caller.audit_name(), now).await?;
        store::teaching::end_enrollments(&mut tx, student, leaving, now).await?;
        let mut leaving_person = person.clone();
        leaving_person.enabled = false;
        store::people::update(&mut tx, &leaving_person, now).await?;
        store::auth::delete_sessions_of(&mut tx, student).await?;
        let transfer = Transfer {
            id: crate::new_id(),
            direction: Direction::Out,
            student: student.clone(),
            counterpart: to_school,
            bundle_sha256: digest,
            at: now,
            by: caller.audit_name(),
            payload: None,
        };
        store::instance::record_transfer(&mut tx, &transfer).await?;
        let entry = self.audit_entry(
            caller,
            "transfer-out",
            &format!("person:{student}"),
            basis.as_ref(),
            &format!("to {}", transfer.counterpart),
        );
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(bytes)
    }

    /// Checks a bundle's signature against the trusted keys and returns its payload, without
    /// importing anything (so an operator can look before admitting).
    pub async fn inspect_transfer(&self, bytes: &[u8]) -> Result<(BundlePayload, Peer)> {
        if bytes.len() > MAX_BUNDLE_BYTES {
            return Err(bad(format!("the bundle is larger than {} MiB", MAX_BUNDLE_BYTES >> 20)));
        }
        let bundle: SignedBundle =
            serde_json::from_slice(bytes).map_err(|e| bad(format!("not a transfer bundle: {e}")))?;
        if bundle.format != BUNDLE_FORMAT {
            return Err(bad(format!("unknown bundle format {:?}; this server reads {BUNDLE_FORMAT}", bundle.format)));
        }
        let key_bytes: [u8; 32] = STANDARD
            .decode(&bundle.public_key)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| bad("the sender's public key is malformed"))?;
        let key = VerifyingKey::from_bytes(&key_bytes)
            .map_err(|_| bad("the sender's public key is not a valid ed25519 key"))?;
        let signature_bytes: [u8; 64] = STANDARD
            .decode(&bundle.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| bad("the signature is malformed"))?;
        let payload_bytes = STANDARD.decode(&bundle.payload).map_err(|_| bad("the payload is not base64"))?;
        key.verify(&payload_bytes, &Signature::from_bytes(&signature_bytes))
            .map_err(|_| bad("the signature does not match the contents: the bundle was altered or damaged"))?;
        let mut conn = self.store.read().await?;
        let peer = store::instance::peer(&mut conn, &bundle.public_key).await?.ok_or_else(|| {
            bad(format!(
                "the bundle is signed by a key this server does not trust ({}); trust the sending school's key first",
                bundle.public_key
            ))
        })?;
        let payload: BundlePayload = serde_json::from_slice(&payload_bytes)
            .map_err(|e| bad(format!("the payload is not a student record: {e}")))?;
        Ok((payload, peer))
    }

    /// Admits a transferred student into `school`: verifies the bundle, creates the student with a
    /// `transfer_in` record and keeps the earlier record. A bundle is admitted at most once.
    pub async fn import_transfer(&self, caller: &Caller, bytes: &[u8], school: &OrgId) -> Result<TransferredIn> {
        let basis = self.authorize_admin_of(caller, school).await?;
        let (payload, peer) = self.inspect_transfer(bytes).await?;
        let digest = hex::encode(Sha256::digest(bytes));
        let s = &payload.student;
        let invalid = |what: &str, e: records::RecordError| bad(format!("{what}: {e}"));
        let nsid = s
            .national_student_id
            .as_deref()
            .map(NationalStudentId::parse)
            .transpose()
            .map_err(|e| invalid("national student id", e))?;
        let mut conn = self.store.read().await?;
        if store::instance::received(&mut conn, &digest).await? {
            return Err(UserError::Conflict("this bundle was already imported".into()).into());
        }
        if let Some(n) = &nsid
            && let Some(existing) = store::people::find_by_national_student_id(&mut conn, n).await?
        {
            return Err(UserError::Conflict(format!(
                "a person with national student id {} is already on record here ({existing})",
                n.masked()
            ))
            .into());
        }
        drop(conn);
        let id = crate::new_id();
        let person = Person {
            id: PersonId::parse(&id).map_err(Error::internal)?,
            sourced_id: id.clone(),
            username: None,
            given_name: PersonName::parse(&s.given_name, "given name").map_err(|e| invalid("given name", e))?,
            family_name: PersonName::parse(&s.family_name, "family name").map_err(|e| invalid("family name", e))?,
            preferred_name: None,
            identifier: None,
            email: None,
            phone: None,
            birth_date: s
                .birth_date
                .as_deref()
                .map(Date::parse)
                .transpose()
                .map_err(|e| bad(format!("birth date: {e}")))?,
            sex: Sex::parse(&s.sex).unwrap_or(Sex::Unspecified),
            grades: s.grades.clone(),
            enabled: true,
            primary_org: Some(school.clone()),
            locale: None,
        };
        let now = self.now();
        let arrival = now.date_utc();
        let mut tx = self.store.write().await?;
        store::people::insert(&mut tx, &person, Source::Transfer, now).await?;
        if let Some(n) = &nsid {
            store::people::set_national_student_id(&mut tx, &person.id, Some(n), now).await?;
        }
        let role_id = crate::new_id();
        let role = RoleAssignment {
            person: person.id.clone(),
            role: Role::Student,
            org: school.clone(),
            primary: true,
            begin: Some(arrival),
            end: None,
        };
        store::people::insert_role(&mut tx, &role_id, &role_id, &role, Source::Transfer, now).await?;
        let record = AdminRecord {
            id: RecordId::parse(crate::new_id()).map_err(Error::internal)?,
            student: person.id.clone(),
            kind: AdminRecordKind::TransferIn,
            date: arrival,
            org: Some(school.clone()),
            detail: format!(
                "transferred from {} ({}), verified with the key of {}",
                payload.from_school, payload.from_server, peer.name
            ),
        };
        store::history::insert_admin_record(&mut tx, &record, &caller.audit_name(), now).await?;
        let transfer = Transfer {
            id: crate::new_id(),
            direction: Direction::In,
            student: person.id.clone(),
            counterpart: payload.from_school.clone(),
            bundle_sha256: digest,
            at: now,
            by: caller.audit_name(),
            payload: Some(serde_json::to_string(&payload).map_err(Error::internal)?),
        };
        store::instance::record_transfer(&mut tx, &transfer).await?;
        let entry = self.audit_entry(
            caller,
            "transfer-in",
            &format!("person:{}", person.id),
            basis.as_ref(),
            &format!("from {}", payload.from_school),
        );
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        Ok(TransferredIn {
            student: person.id,
            from_school: payload.from_school,
            results: payload.results.len(),
            attendance: payload.attendance.len(),
        })
    }

    /// The earlier schooling of a student who transferred in, as the sending schools signed it.
    pub async fn prior_records(&self, caller: &Caller, student: &PersonId) -> Result<Vec<(Timestamp, BundlePayload)>> {
        let basis = self.authorize_student(caller, access::Access::Read, student).await?;
        let mut conn = self.store.read().await?;
        let transfers = store::instance::transfers_of(&mut conn, student).await?;
        drop(conn);
        let mut out = Vec::new();
        for t in transfers.into_iter().filter(|t| t.direction == Direction::In) {
            if let Some(p) = t.payload {
                out.push((t.at, serde_json::from_str(&p).map_err(Error::internal)?));
            }
        }
        let entry = self.audit_entry(caller, "read", &format!("person:{student}"), basis.as_ref(), "prior records");
        self.audit_now(vec![entry]).await?;
        Ok(out)
    }
}
