//! A real SMTP server for the e-mail tests (mailin-embedded on a loopback port, plain SMTP): it keeps every
//! e-mail it accepts and refuses the mailbox `gone@…` with `550`, as a receiving server does for an address that
//! no longer exists.

use std::{
    net::TcpListener,
    sync::{Arc, Mutex},
};

use mailin_embedded::{Handler, Response, Server, response};

/// One e-mail as the server received it.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    /// The envelope's sender.
    pub from: String,
    /// The envelope's recipients.
    pub to: Vec<String>,
    /// The message as sent: headers and body.
    pub raw: String,
}

#[derive(Clone, Default)]
struct Keep {
    inbox: Arc<Mutex<Vec<Received>>>,
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Keep {
    fn rcpt(&mut self, to: &str) -> Response {
        if to.trim_start_matches('<').starts_with("gone@") {
            response::NO_MAILBOX
        } else {
            response::OK
        }
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.from = from.to_owned();
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let mail = Received {
            from: std::mem::take(&mut self.from),
            to: std::mem::take(&mut self.to),
            raw: String::from_utf8_lossy(&std::mem::take(&mut self.data)).into_owned(),
        };
        self.inbox.lock().unwrap().push(mail);
        response::OK
    }
}

/// A running SMTP server: its port and what it received.
pub(crate) struct SmtpServer {
    pub port: u16,
    inbox: Arc<Mutex<Vec<Received>>>,
}

impl SmtpServer {
    /// Starts one on a free loopback port, serving until the test process ends.
    pub(crate) fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let handler = Keep::default();
        let inbox = handler.inbox.clone();
        let mut server = Server::new(handler);
        server
            .with_name("mail.test")
            .with_num_threads(2)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        Self { port, inbox }
    }

    /// What arrived so far.
    pub(crate) fn inbox(&self) -> Vec<Received> {
        self.inbox.lock().unwrap().clone()
    }

    /// The e-mails to `address`.
    pub(crate) fn to(&self, address: &str) -> Vec<Received> {
        self.inbox()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.trim_matches(['<', '>']) == address))
            .collect()
    }
}
