//! Backups and restores on both engines: a backup taken while notes are being written holds
//! every note and read acknowledged before it began, restores into an empty database with the
//! audit chain whole and every document's bytes matching their SHA-256, and a damaged backup or
//! a database already in use is refused before anything is written.

mod common;

use std::sync::{Arc, Mutex};
use std::sync::atomic::{AtomicBool, Ordering};

use hearth_domain::cases::{EntryKind, NewNote};
use hearth_domain::documents::{DocumentKind, FileType, sha256_hex};
use hearth_store::audit::{self, AuditQuery, Event};
use hearth_store::backup::{self, FilesKept};
use hearth_store::documents::{self, NewDocument, local_files};
use hearth_store::cases::ChronologyFilter;
use hearth_store::{AuditContext, Engine, PageRequest, Store, StoreError, cases, testing};
use time::macros::date;
use uuid::Uuid;

fn viewed(case: Uuid) -> Event<'static> {
    Event::success("case.viewed").about("case", case)
}

async fn count_viewed(store: &Store, case: Uuid) -> i64 {
    audit::search(store, &AuditQuery { subject_id: Some(case.to_string()), action_prefix: Some("case.viewed".into()), ..Default::default() }, PageRequest::new(None, Some(1))).await.unwrap().total
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_notes_are_written_restores_everything_acknowledged_before_it_began() {
    let mut engines = vec![Engine::Sqlite];
    if testing::postgres_configured() {
        engines.push(Engine::Postgres);
    }
    for engine in engines {
        let serving = testing::fresh(engine).await;
        let work = tempdir("work");
        let files = local_files(&work.join("files")).unwrap();
        let o = common::small_org(&serving).await;
        let case = common::open_private_case(&serving, o.team).await;
        let pdf = b"%PDF-1.4\n% Hearth backup test\n".repeat(400);
        let photo = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &b"a photograph's bytes".repeat(300)].concat();
        for (kind, title, file_type, bytes, thumbnail) in [
            (DocumentKind::CourtOrder, "Directions order", FileType::Pdf, pdf.clone(), None),
            (DocumentKind::Photo, "Bedroom", FileType::Jpeg, photo.clone(), Some(b"\xFF\xD8\xFFthumbnail".to_vec())),
        ] {
            let doc = NewDocument { kind, title: title.into(), file_type, bytes, thumbnail, withheld_from: None };
            documents::add(&serving, &files, &AuditContext::system(), case, &doc).await.unwrap();
        }

        // Notes and reads go on all through the backup, each remembered once acknowledged.
        let acknowledged: Arc<Mutex<Vec<Uuid>>> = Default::default();
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let (store, acknowledged, stop) = (serving.store.clone(), acknowledged.clone(), stop.clone());
            tokio::spawn(async move {
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    let note = NewNote { place: String::new(), kind: EntryKind::Visit, occurred_on: date!(2026 - 11 - 20), summary: format!("Visit {i}"), body: "Seen at home.".into() };
                    let id = cases::add_note(&store, &AuditContext::system(), case, &note).await.unwrap();
                    acknowledged.lock().unwrap().push(id);
                    audit::record(&store, &AuditContext::system(), viewed(case)).await.unwrap();
                    i += 1;
                }
                i
            })
        };
        while acknowledged.lock().unwrap().len() < 30 {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        // Everything acknowledged before the backup begins (each note's read follows it, so at
        // least one fewer read than notes).
        let before: Vec<Uuid> = acknowledged.lock().unwrap().clone();
        // Beside the server, as `hearth backup` is: its own store on the same database.
        let beside = Store::connect(&serving.url).await.unwrap();
        let to = work.join("backup");
        let manifest = backup::backup(&beside, &files, FilesKept::Copied, &to).await.unwrap();
        beside.close().await;
        stop.store(true, Ordering::Relaxed);
        let written = writer.await.unwrap();
        assert!(written > before.len(), "notes were still being written during the backup ({written} in all, {} before)", before.len());
        assert_eq!(manifest.documents, 2);
        assert!(manifest.files.iter().any(|f| f.path.starts_with("files/thumbnails/")), "thumbnails are copied too: {:?}", manifest.files);

        // A damaged copy is refused before anything is written, naming the file.
        let damaged = work.join("damaged");
        copy_tree(&to, &damaged);
        let database_file = match engine {
            Engine::Sqlite => "hearth.db",
            Engine::Postgres => "hearth.pgdump",
        };
        let mut bytes = std::fs::read(damaged.join(database_file)).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x01;
        std::fs::write(damaged.join(database_file), bytes).unwrap();
        let target = testing::empty(engine).await;
        let refused = backup::restore(&damaged, &target.url, &local_files(&work.join("refused-files")).unwrap()).await.unwrap_err();
        assert!(matches!(&refused, StoreError::Backup(m) if m.contains(database_file) && m.contains("checksum")), "{refused:?}");
        if engine == Engine::Sqlite {
            assert!(!std::path::Path::new(target.url.trim_start_matches("sqlite://")).exists(), "nothing is written from a damaged backup");
        }

        // Nor does a restore write over a database in use.
        let refused = backup::restore(&to, &serving.url, &files).await.unwrap_err();
        assert!(matches!(&refused, StoreError::Backup(m) if m.contains("restore into an empty")), "{refused:?}");

        // The real restore, into the empty database and new document files.
        let restored_files = local_files(&work.join("restored-files")).unwrap();
        let restored = backup::restore(&to, &target.url, &restored_files).await.unwrap();
        assert_eq!(restored.files_restored, 3, "two documents and a thumbnail");
        let restored = target.open().await;
        assert!(audit::verify(&restored).await.unwrap().is_ok(), "the restored audit chain verifies");
        let notes: std::collections::HashSet<Uuid> = cases::chronology(&restored, case, &ChronologyFilter::default()).await.unwrap().into_iter().map(|e| e.id).collect();
        let missing: Vec<&Uuid> = before.iter().filter(|id| !notes.contains(id)).collect();
        assert!(missing.is_empty(), "{engine:?}: {} of {} notes acknowledged before the backup are missing", missing.len(), before.len());
        assert!(count_viewed(&restored, case).await >= before.len() as i64 - 1, "every read acknowledged before the backup is in the restored trail");
        let docs = documents::list(&restored, case).await.unwrap();
        assert_eq!(docs.len(), 2);
        for doc in docs {
            let (_, bytes) = documents::download(&restored, &restored_files, &AuditContext::system(), case, doc.id).await.unwrap();
            assert_eq!(sha256_hex(&bytes), doc.sha256, "{}'s bytes match its SHA-256", doc.title);
        }
        restored.close().await;
        let _ = std::fs::remove_dir_all(&work);
    }
}

fn tempdir(label: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("hearth-backup-{label}-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Documents in a bucket are not copied: the backup lists each object with its SHA-256, and a
/// restore checks every one is in the bucket it is given, refusing one where any is missing.
#[tokio::test]
async fn a_backup_lists_documents_kept_in_a_bucket_and_a_restore_finds_each_there() {
    let Some(bucket) = testing::s3_test_files() else { return };
    for engine in [Engine::Sqlite].into_iter().chain(testing::postgres_configured().then_some(Engine::Postgres)) {
        let serving = testing::fresh(engine).await;
        let o = common::small_org(&serving).await;
        let case = common::open_private_case(&serving, o.team).await;
        let bytes = format!("%PDF-1.4\n% kept in a bucket {}\n", Uuid::new_v4()).into_bytes();
        let doc = NewDocument { kind: DocumentKind::Report, title: "Section 7 report".into(), file_type: FileType::Pdf, bytes: bytes.clone(), thumbnail: None, withheld_from: None };
        documents::add(&serving, &bucket, &AuditContext::system(), case, &doc).await.unwrap();
        let work = tempdir("bucket");
        let manifest = backup::backup(&serving, &bucket, FilesKept::Listed, &work.join("backup")).await.unwrap();
        assert!(manifest.files.iter().all(|f| !f.path.starts_with("files/")), "nothing is copied from a bucket: {:?}", manifest.files);
        assert!(manifest.bucket_objects.iter().any(|o| o.key == format!("documents/{}", sha256_hex(&bytes)) && o.sha256 == sha256_hex(&bytes)), "{:?}", manifest.bucket_objects);

        // A bucket without the objects is refused, naming one.
        let empty = testing::empty(engine).await;
        let refused = backup::restore(&work.join("backup"), &empty.url, &documents::memory_files()).await.unwrap_err();
        assert!(matches!(&refused, StoreError::Backup(m) if m.contains("is listed in the backup but not in the bucket")), "{refused:?}");
        if engine == Engine::Sqlite {
            assert!(!std::path::Path::new(empty.url.trim_start_matches("sqlite://")).exists(), "nothing is written when an object is missing");
        }
        drop(empty);

        let target = testing::empty(engine).await;
        let restored = backup::restore(&work.join("backup"), &target.url, &bucket).await.unwrap();
        assert_eq!((restored.files_restored, restored.objects_found), (0, manifest.bucket_objects.len()));
        let restored = target.open().await;
        assert!(audit::verify(&restored).await.unwrap().is_ok());
        let doc = documents::list(&restored, case).await.unwrap().remove(0);
        let (_, read) = documents::download(&restored, &bucket, &AuditContext::system(), case, doc.id).await.unwrap();
        assert_eq!(read.as_ref(), bytes.as_slice());
        restored.close().await;
        let _ = std::fs::remove_dir_all(&work);
    }
}
