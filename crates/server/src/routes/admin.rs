//! Administration: roster import and export, transfers in, the audit log, the server's key.

use app::roster::{ExportMode, ExportOptions, ImportOptions};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use base::{OrgId, Timestamp};
use oneroster::{RosterFiles, ZipLimits};

use crate::dto::*;
use crate::extract::{ApiQuery, Auth, path_id};
use crate::routes::json;
use crate::{ApiError, AppState};

/// Imports a OneRoster 1.2 set sent as a zip, all or nothing.
#[utoipa::path(post, path = "/api/roster/import", tag = "roster", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/zip"),
    responses((status = 200, body = ImportReportDto), (status = 413), (status = 422, description = "rejected, with every problem's file, line and column")))]
pub(crate) async fn import_roster(
    State(s): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Bytes,
) -> Result<Json<ImportReportDto>, ApiError> {
    let files = RosterFiles::from_zip(&body, ZipLimits::DEFAULT)
        .map_err(|e| app::UserError::RosterRejected(oneroster::Rejection { errors: vec![e], more: 0 }))?;
    let report = s
        .app
        .import_roster(
            &auth.caller(),
            &files,
            ImportOptions { allow_mass_deletion: q.allow_mass_deletion },
            &mut |_| {},
        )
        .await?;
    Ok(json(ImportReportDto {
        files: report
            .files
            .iter()
            .map(|(file, mode, written, deleted)| ImportedFileDto {
                file: file.clone(),
                mode: mode.as_str(),
                written: *written,
                deleted: *deleted,
            })
            .collect(),
        guardianships: report.guardianships,
        skipped_files: report.skipped,
        warnings: report.warnings,
    }))
}

/// Exports the roster as a OneRoster 1.2 zip.
#[utoipa::path(get, path = "/api/roster/export", tag = "roster", params(ExportQuery),
    responses((status = 200, content_type = "application/zip", description = "the OneRoster set"), (status = 403)))]
pub(crate) async fn export_roster(
    State(s): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let mode = match (q.mode.as_deref().unwrap_or("bulk"), q.since.as_deref()) {
        ("bulk", _) => ExportMode::Bulk,
        ("delta", Some(since)) => ExportMode::DeltaSince(
            Timestamp::parse_rfc3339(since).map_err(|e| app::UserError::invalid("since", e.to_string()))?,
        ),
        ("delta", None) => return Err(app::UserError::invalid("since", "a delta export needs `since`").into()),
        (other, _) => return Err(app::UserError::invalid("mode", format!("{other:?} is not bulk or delta")).into()),
    };
    let set = s.app.export_roster(&auth.caller(), ExportOptions { mode, include_national_ids: q.national_ids }).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"oneroster.zip\""),
        ],
        set.to_zip(),
    ))
}

/// Admits a transferred student from a signed bundle.
#[utoipa::path(post, path = "/api/transfers/import", tag = "transfers", params(TransferImportQuery),
    request_body(content = String, content_type = "application/json", description = "the signed bundle"),
    responses((status = 200, body = TransferredInDto), (status = 409), (status = 422)))]
pub(crate) async fn import_transfer(
    State(s): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<TransferImportQuery>,
    body: Bytes,
) -> Result<Json<TransferredInDto>, ApiError> {
    let school: OrgId = path_id(&q.school, "school")?;
    let done = s.app.import_transfer(&auth.caller(), &body, &school).await?;
    Ok(json(TransferredInDto {
        student_id: done.student.to_string(),
        from_school: done.from_school,
        results: done.results,
        attendance: done.attendance,
    }))
}

/// Recent audit entries (for the school's administrators).
#[utoipa::path(get, path = "/api/audit", tag = "audit", params(AuditQuery), responses((status = 200, body = Vec<AuditEntryDto>), (status = 404)))]
pub(crate) async fn audit_recent(
    State(s): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Vec<AuditEntryDto>>, ApiError> {
    Ok(json(
        s.app.audit_recent(&auth.caller(), q.before, q.limit.unwrap_or(50)).await?.iter().map(Into::into).collect(),
    ))
}

/// Verifies the whole audit chain (for the school's administrators).
#[utoipa::path(get, path = "/api/audit/verify", tag = "audit", params(VerifyQuery), responses((status = 200, body = AuditVerificationDto)))]
pub(crate) async fn audit_verify(
    State(s): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<VerifyQuery>,
) -> Result<Json<AuditVerificationDto>, ApiError> {
    // Listing recent entries checks the caller administers the server.
    s.app.audit_recent(&auth.caller(), None, 1).await?;
    let anchor = match q.anchor.as_deref() {
        Some(a) => Some(audit::parse_anchor(a).ok_or_else(|| app::UserError::invalid("anchor", "expected seq:hash"))?),
        None => None,
    };
    Ok(json(match s.app.verify_audit(anchor, |_, _| {}).await? {
        app::AuditVerification::Intact { entries, head } => AuditVerificationDto::intact(entries, head),
        app::AuditVerification::Broken { problem } => {
            AuditVerificationDto { intact: false, entries: None, head: None, problem: Some(problem.to_string()) }
        }
    }))
}

/// This server's public key, for schools that will receive its transfers.
#[utoipa::path(get, path = "/api/server/public-key", tag = "transfers", responses((status = 200, body = String)))]
pub(crate) async fn public_key(State(s): State<AppState>, _auth: Auth) -> Result<Json<String>, ApiError> {
    Ok(json(s.app.public_key().await?))
}
