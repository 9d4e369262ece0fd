//! Opening a log file: gzip detection, byte-order marks and decoding to UTF-8, as one buffered
//! byte stream the readers parse.
//!
//! Owns [`open_raw`], [`open_text`] and the streaming [`Decoding`] adapter. Gzip is recognised by
//! its magic bytes, whatever the extension. A UTF-8 byte-order mark is dropped; a UTF-16 one
//! (Excel's "Unicode text") switches to UTF-16 decoding; GB18030/GBK is decoded when asked for.
//! Decoding runs in 64 KiB blocks: O(bytes) time, O(1) memory. A byte sequence that is not valid in
//! the encoding is an error naming its offset, never a silent replacement character.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use encoding_rs::{Decoder, DecoderResult, GB18030, UTF_16BE, UTF_16LE};
use flate2::read::MultiGzDecoder;

use crate::log::error::LogError;
use crate::log::options::Encoding;

const BLOCK: usize = 64 * 1024;

/// Whether the file starts with the gzip magic bytes.
pub fn is_gzip(path: &Path) -> Result<bool, LogError> {
    let mut magic = [0u8; 2];
    let mut f = File::open(path).map_err(|e| LogError::io(path, e))?;
    let mut n = 0;
    while n < 2 {
        match f.read(&mut magic[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(LogError::io(path, e)),
        }
    }
    Ok(n == 2 && magic == [0x1f, 0x8b])
}

/// Opens `path` as a raw byte stream, gunzipping when it is gzip.
pub fn open_raw(path: &Path) -> Result<Box<dyn BufRead>, LogError> {
    let f = File::open(path).map_err(|e| LogError::io(path, e))?;
    if is_gzip(path)? {
        Ok(Box::new(BufReader::with_capacity(BLOCK, MultiGzDecoder::new(BufReader::with_capacity(BLOCK, f)))))
    } else {
        Ok(Box::new(BufReader::with_capacity(BLOCK, f)))
    }
}

/// Opens `path` as UTF-8 text: gunzipped, byte-order mark removed, decoded from `encoding`.
pub fn open_text(path: &Path, encoding: Encoding) -> Result<Box<dyn BufRead>, LogError> {
    let mut raw = open_raw(path)?;
    let head = raw.fill_buf().map_err(|e| LogError::io(path, e))?;
    let utf16 = match head {
        [0xff, 0xfe, ..] => Some(UTF_16LE),
        [0xfe, 0xff, ..] => Some(UTF_16BE),
        _ => None,
    };
    if let Some(enc) = utf16 {
        return Ok(Box::new(BufReader::with_capacity(BLOCK, Decoding::new(raw, enc.new_decoder()))));
    }
    match encoding {
        Encoding::Utf8 => {
            if head.starts_with(b"\xef\xbb\xbf") {
                raw.consume(3);
            }
            Ok(raw)
        }
        Encoding::Gb18030 => Ok(Box::new(BufReader::with_capacity(BLOCK, Decoding::new(raw, GB18030.new_decoder())))),
    }
}

/// Decodes a byte stream to UTF-8 as it is read.
pub struct Decoding<R> {
    inner: R,
    decoder: Decoder,
    out: Vec<u8>,
    start: usize,
    end: usize,
    consumed: u64,
    done: bool,
}

impl<R: BufRead> Decoding<R> {
    /// Decodes `inner` with `decoder` (which also drops a matching byte-order mark).
    pub fn new(inner: R, decoder: Decoder) -> Self {
        Decoding { inner, decoder, out: vec![0; BLOCK * 2], start: 0, end: 0, consumed: 0, done: false }
    }

    fn refill(&mut self) -> io::Result<()> {
        while self.start == self.end && !self.done {
            let input = self.inner.fill_buf()?;
            let last = input.is_empty();
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(input, &mut self.out, last);
            self.inner.consume(read);
            self.consumed += read as u64;
            self.start = 0;
            self.end = written;
            match result {
                DecoderResult::Malformed(len, back) => {
                    let at = self.consumed - u64::from(back) - u64::from(len);
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("byte {at} of the file is not valid in this encoding"),
                    ));
                }
                DecoderResult::InputEmpty if last => self.done = true,
                DecoderResult::InputEmpty | DecoderResult::OutputFull => {}
            }
        }
        Ok(())
    }
}

impl<R: BufRead> Read for Decoding<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.refill()?;
        let n = buf.len().min(self.end - self.start);
        buf[..n].copy_from_slice(&self.out[self.start..self.start + n]);
        self.start += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufReader, Read};

    use encoding_rs::GB18030;

    use super::Decoding;

    #[test]
    fn decodes_gbk_across_block_boundaries() {
        let text = "工单编号,环节,时间\n".repeat(20_000);
        let (gbk, _, bad) = GB18030.encode(&text);
        assert!(!bad);
        let mut out = String::new();
        Decoding::new(BufReader::with_capacity(7, &gbk[..]), GB18030.new_decoder()).read_to_string(&mut out).unwrap();
        assert_eq!(out, text);
    }

    #[test]
    fn malformed_bytes_are_an_error_with_an_offset() {
        let bytes = b"ab\x81\x20cd";
        let mut out = String::new();
        let e = Decoding::new(&bytes[..], GB18030.new_decoder()).read_to_string(&mut out).unwrap_err();
        assert!(e.to_string().contains("byte 2"), "{e}");
    }
}
