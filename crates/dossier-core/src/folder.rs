//! Dossier folders on disk (contract §2): `dossier.json` and the uploaded files.
//!
//! Confinement: a document listed as an absolute path, with a `..` component, through a
//! symbolic link, or resolving outside the folder is not read; it becomes an unreadable
//! document whose reason says so, and nothing of the outside file is read or echoed.

use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use dossier_contract::{
    DocumentKind, DocumentRef, DocumentReport, DossierRequest, Verdict, parse_dossier_json,
};
use dossier_rules::Rulebook;

use crate::{ReadOptions, read_document};

/// Why a folder gives no verdict at all (exit code 2 in the CLI).
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    #[error("{0}: no such dossier folder")]
    Missing(PathBuf),
    #[error("{0}: missing dossier.json")]
    NoDossierJson(PathBuf),
    #[error("{file}: {path}: {problem}")]
    Invalid {
        file: PathBuf,
        path: String,
        problem: String,
    },
    #[error("{file}: cannot be read: {problem}")]
    Io { file: PathBuf, problem: String },
}

/// One document of a folder: its bytes, or why they could not be taken.
#[derive(Debug)]
pub struct FolderFile {
    pub document_id: String,
    pub file: String,
    pub declared_kind: Option<DocumentKind>,
    pub bytes: Result<Vec<u8>, String>,
}

#[derive(Debug)]
pub struct FolderDossier {
    pub request: DossierRequest,
    pub files: Vec<FolderFile>,
}

/// Loads `dossier.json` and the documents of a folder.
pub fn load(dir: &Path, max_file_bytes: usize) -> Result<FolderDossier, FolderError> {
    if !dir.is_dir() {
        return Err(FolderError::Missing(dir.to_path_buf()));
    }
    let json_path = dir.join("dossier.json");
    if !json_path.is_file() {
        return Err(FolderError::NoDossierJson(json_path));
    }
    let json = fs::read(&json_path).map_err(|e| FolderError::Io {
        file: json_path.clone(),
        problem: e.to_string(),
    })?;
    let request = parse_dossier_json(&json).map_err(|e| FolderError::Invalid {
        file: json_path.clone(),
        path: e.path,
        problem: e.problem,
    })?;
    let root = dir.canonicalize().map_err(|e| FolderError::Io {
        file: dir.to_path_buf(),
        problem: e.to_string(),
    })?;
    let refs: Vec<DocumentRef> = match &request.documents {
        Some(list) => list.clone(),
        None => list_files(&root)?
            .into_iter()
            .map(|name| DocumentRef {
                document_id: name.clone(),
                file: name,
                declared_kind: None,
                uri: None,
                sha256: None,
            })
            .collect(),
    };
    let files = refs
        .into_iter()
        .map(|r| FolderFile {
            bytes: read_confined(&root, &r.file, max_file_bytes),
            document_id: r.document_id,
            file: r.file,
            declared_kind: r.declared_kind,
        })
        .collect();
    Ok(FolderDossier { request, files })
}

fn list_files(root: &Path) -> Result<Vec<String>, FolderError> {
    let entries = fs::read_dir(root).map_err(|e| FolderError::Io {
        file: root.to_path_buf(),
        problem: e.to_string(),
    })?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n != "dossier.json" && !n.starts_with('.'))
        .collect();
    names.sort();
    Ok(names)
}

/// Reads `name` inside `root`, refusing anything that leaves it.
fn read_confined(root: &Path, name: &str, max_bytes: usize) -> Result<Vec<u8>, String> {
    let relative = Path::new(name);
    let escapes = relative.is_absolute()
        || relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
    if name.is_empty() || escapes {
        return Err("chemin refusé : le fichier doit se trouver dans le dossier".into());
    }
    let path = root.join(relative);
    let mut current = root.to_path_buf();
    for component in relative.components() {
        current.push(component);
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(
                    "lien symbolique refusé : le fichier doit se trouver dans le dossier".into(),
                );
            }
            Ok(_) => {}
            Err(_) => return Err("fichier absent du dossier".into()),
        }
    }
    let resolved = path
        .canonicalize()
        .map_err(|_| "fichier absent du dossier".to_string())?;
    if !resolved.starts_with(root) {
        return Err("chemin refusé : le fichier doit se trouver dans le dossier".into());
    }
    let meta = fs::metadata(&resolved).map_err(|_| "fichier absent du dossier".to_string())?;
    if !meta.is_file() {
        return Err("ce n'est pas un fichier".into());
    }
    if meta.len() > max_bytes as u64 {
        return Err(format!(
            "le fichier dépasse la taille maximale ({} Mo)",
            max_bytes >> 20
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    fs::File::open(&resolved)
        .and_then(|f| f.take(max_bytes as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("lecture impossible : {e}"))?;
    Ok(bytes)
}

/// Validates a dossier folder in this process: load, read every document, check, verdict.
pub fn validate(
    dir: &Path,
    rulebook: &Rulebook,
    options: &ReadOptions,
) -> Result<Verdict, FolderError> {
    validate_with(
        dir,
        rulebook,
        options.max_file_bytes,
        |_dossier_id, file, bytes| {
            Ok::<_, std::convert::Infallible>(read_document(
                &file.document_id,
                &file.file,
                file.declared_kind,
                bytes,
                options,
            ))
        },
    )
    .map_err(|e| match e {
        ValidateError::Folder(e) => e,
        ValidateError::Read(never) => match never {},
    })
}

/// Why [`validate_with`] gave no verdict: the folder, or the reader failed.
#[derive(Debug, thiserror::Error)]
pub enum ValidateError<E> {
    #[error(transparent)]
    Folder(#[from] FolderError),
    #[error("{0}")]
    Read(E),
}

/// Validates a dossier folder with `read` reading each document's bytes (in this process or
/// elsewhere); a reader error stops the dossier without a verdict.
pub fn validate_with<E>(
    dir: &Path,
    rulebook: &Rulebook,
    max_file_bytes: usize,
    mut read: impl FnMut(&str, &FolderFile, &[u8]) -> Result<DocumentReport, E>,
) -> Result<Verdict, ValidateError<E>> {
    let dossier = load(dir, max_file_bytes)?;
    let dossier_id = dossier.request.dossier_id.as_str();
    let span = tracing::info_span!("validate", dossier_id);
    let _entered = span.enter();
    let mut documents = Vec::with_capacity(dossier.files.len());
    for file in &dossier.files {
        documents.push(match &file.bytes {
            Ok(bytes) => read(dossier_id, file, bytes).map_err(ValidateError::Read)?,
            Err(reason) => crate::unreadable(
                &file.document_id,
                &file.file,
                file.declared_kind,
                reason.clone(),
            ),
        });
    }
    Ok(crate::verdict(&dossier.request, documents, rulebook))
}
