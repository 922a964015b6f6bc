//! Figures over the whole corpus (the region tree, the charts, the rule counts) take a
//! second or more on 100,000 reports; they are kept here and served again until the
//! corpus changes. Each entry remembers the store's generation (see
//! `Store::generation`): a cheap query on each request tells whether it is still true.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use crate::error::ApiError;
use crate::App;

/// A cached answer: the generation it was computed at, and the value.
type Entry = ((i64, i64), Arc<dyn Any + Send + Sync>);

/// Answers by key, each with the generation it was computed at.
#[derive(Default)]
pub struct Cache {
    entries: Mutex<HashMap<String, Entry>>,
    /// One computation per key at a time: concurrent requests for the same figure wait
    /// for the first instead of all computing it.
    computing: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl Cache {
    fn get<T: Send + Sync + 'static>(
        &self,
        key: &str,
        generation: (i64, i64),
    ) -> Result<Option<Arc<T>>, ApiError> {
        let entries = self.entries.lock().map_err(ApiError::internal)?;
        Ok(entries
            .get(key)
            .filter(|(g, _)| *g == generation)
            .and_then(|(_, v)| Arc::clone(v).downcast::<T>().ok()))
    }
}

/// Entries kept at most; beyond it the cache starts over (the keys are few in practice:
/// the unfiltered views, and the filters people use).
const MAX_ENTRIES: usize = 1000;

/// The cached answer under `key`, or `compute`'s (then kept) when there is none for the
/// store's current generation.
pub(crate) async fn cached<T, F>(app: &App, key: String, compute: F) -> Result<Arc<T>, ApiError>
where
    T: Send + Sync + 'static,
    F: Future<Output = Result<T, ApiError>>,
{
    let generation = app.store.generation().await?;
    if let Some(v) = app.cache.get(&key, generation)? {
        return Ok(v);
    }
    let lock = app
        .cache
        .computing
        .lock()
        .map_err(ApiError::internal)?
        .entry(key.clone())
        .or_default()
        .clone();
    let _computing = lock.lock().await;
    if let Some(v) = app.cache.get(&key, generation)? {
        return Ok(v);
    }
    let value = Arc::new(compute.await?);
    let mut entries = app.cache.entries.lock().map_err(ApiError::internal)?;
    if entries.len() >= MAX_ENTRIES {
        entries.clear();
    }
    entries.insert(
        key,
        (generation, value.clone() as Arc<dyn Any + Send + Sync>),
    );
    Ok(value)
}
