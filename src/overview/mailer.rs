//! Sending over SMTP, with retries and exponential backoff.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{Config, SmtpTls};
use crate::overview::render::Rendered;

/// Attempts per message before it counts as failed.
pub const ATTEMPTS: u32 = 3;

/// Why mail could not be set up or sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// A configured address does not parse.
    #[error("invalid address {0}")]
    Address(String),
    /// The SMTP transport could not be built.
    #[error("SMTP set-up failed: {0}")]
    Setup(String),
    /// The message could not be built.
    #[error("message could not be built: {0}")]
    Build(String),
    /// Every attempt failed; the last error.
    #[error("SMTP delivery failed: {0}")]
    Send(String),
}

/// An SMTP client for the overview e-mail.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    reply_to: Option<Mailbox>,
    backoff: Duration,
}

impl Mailer {
    /// The mailer for the configured SMTP server, or `None` when no `SMTP_HOST` is set.
    pub fn from_config(config: &Config) -> Result<Option<Self>, MailError> {
        let Some(host) = &config.smtp_host else {
            return Ok(None);
        };
        let builder = match config.smtp_tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .map_err(|e| MailError::Setup(e.to_string()))?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                .map_err(|e| MailError::Setup(e.to_string()))?,
        };
        let mut builder = builder
            .port(config.smtp_port)
            .timeout(Some(Duration::from_secs(30)));
        if let (Some(user), Some(password)) = (&config.smtp_username, &config.smtp_password) {
            builder =
                builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
        }
        let parse = |text: &str| {
            text.parse::<Mailbox>()
                .map_err(|_| MailError::Address(text.to_owned()))
        };
        Ok(Some(Self {
            transport: builder.build(),
            from: parse(&config.mail_from)?,
            reply_to: config.mail_reply_to.as_deref().map(parse).transpose()?,
            backoff: Duration::from_secs(2),
        }))
    }

    /// Sends `rendered` to `to`, trying up to [`ATTEMPTS`] times with doubling pauses.
    /// Returns the number of attempts made.
    pub async fn send(
        &self,
        to: &str,
        rendered: &Rendered,
        message_id: &str,
    ) -> Result<u32, MailError> {
        let to: Mailbox = to.parse().map_err(|_| MailError::Address(to.to_owned()))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(rendered.subject.clone())
            .message_id(Some(message_id.to_owned()));
        if let Some(reply_to) = &self.reply_to {
            builder = builder.reply_to(reply_to.clone());
        }
        let message = builder
            .multipart(MultiPart::alternative_plain_html(
                rendered.text.clone(),
                rendered.html.clone(),
            ))
            .map_err(|e| MailError::Build(e.to_string()))?;
        let mut pause = self.backoff;
        let mut attempt = 1;
        loop {
            match self.transport.send(message.clone()).await {
                Ok(_) => return Ok(attempt),
                Err(err) if attempt >= ATTEMPTS => return Err(MailError::Send(err.to_string())),
                Err(err) => {
                    tracing::warn!(attempt, error = %err, "SMTP send failed; retrying");
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                    attempt += 1;
                }
            }
        }
    }
}
