//! Small real `.deb` files for the sysroot engine's unit tests: an `ar`
//! archive of `debian-binary`, `control.tar.gz` and `data.tar.gz`, built
//! with the same crates crossport reads them with.

use std::io::Write;

/// A `.deb` whose data member holds `files` (path, contents) as regular
/// files under `./`, the way dpkg-deb writes them.
pub(super) fn deb(files: &[(&str, &[u8])]) -> Vec<u8> {
    let control = tar_gz(&[("./control", b"Package: test\n")]);
    let data = tar_gz(files);
    let mut out = b"!<arch>\n".to_vec();
    for (name, bytes) in [
        ("debian-binary", &b"2.0\n"[..]),
        ("control.tar.gz", &control),
        ("data.tar.gz", &data),
    ] {
        member(&mut out, name, bytes);
    }
    out
}

fn member(out: &mut Vec<u8>, name: &str, bytes: &[u8]) {
    let header = format!(
        "{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
        name,
        0,
        0,
        0,
        "100644",
        bytes.len()
    );
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(bytes);
    if bytes.len() % 2 == 1 {
        out.push(b'\n');
    }
}

fn tar_gz(files: &[(&str, &[u8])]) -> Vec<u8> {
    let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut builder = tar::Builder::new(encoder);
    for (path, contents) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(contents.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        builder
            .append_data(&mut header, format!("./{path}"), *contents)
            .expect("tar entry");
    }
    let mut encoder = builder.into_inner().expect("tar");
    encoder.flush().expect("gzip");
    encoder.finish().expect("gzip")
}

#[test]
fn the_test_deb_is_a_deb() {
    let deb = deb(&[("usr/include/a.h", b"int a;\n")]);
    let member = crossport_formats::deb::data_tar(&deb).expect("data member");
    assert_eq!(member.name, "data.tar.gz");
}
