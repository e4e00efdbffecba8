//! The pager as a [`futures::Stream`] (feature `futures`): of pages, or of items across pages.
//!
//! Both streams are the [`Pager`] underneath, so every next page is requested with the
//! first request's headers (`Prefer`, `ConsistencyLevel`, …) and stays on the client's host.
//! An error ends the stream after it is yielded.

use std::collections::VecDeque;

use futures::stream::{self, Stream};
use serde::de::DeserializeOwned;

use crate::client::{Pager, TokenProvider, Transport};
use crate::error::Error;
use crate::page::Page;

impl<'c, I: DeserializeOwned + 'c, T: Transport, P: TokenProvider> Pager<'c, I, T, P> {
    /// The pages, one by one.
    ///
    /// ```
    /// use futures::TryStreamExt;
    /// use graph_runtime::client::{Client, TokenProvider, Transport};
    /// use graph_runtime::{Page, Request, RequestPath};
    /// # async fn f(client: Client<impl Transport, impl TokenProvider>) -> Result<(), graph_runtime::Error> {
    /// let users: Request<Page<serde_json::Value>> = Request::new(http::Method::GET, RequestPath::root().segment("users"), None)
    ///     .consistency_level_eventual().count(true);
    /// let pages: Vec<Page<serde_json::Value>> = client.pages(users).into_stream().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn into_stream(self) -> impl Stream<Item = Result<Page<I>, Error>> + 'c {
        stream::unfold(self, |mut pager| async move {
            let page = pager.next_page().await?;
            Some((page, pager))
        })
    }

    /// The items of every page, in order; the next page is requested when the items of
    /// the current one have been taken.
    pub fn into_items(self) -> impl Stream<Item = Result<I, Error>> + 'c {
        stream::unfold((self, VecDeque::new()), |(mut pager, mut buffered)| async move {
            loop {
                if let Some(item) = buffered.pop_front() {
                    return Some((Ok(item), (pager, buffered)));
                }
                match pager.next_page().await? {
                    Ok(page) => buffered.extend(page.value),
                    Err(e) => return Some((Err(e), (pager, buffered))),
                }
            }
        })
    }
}
