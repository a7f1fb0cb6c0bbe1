//! The tray icons are PNGs; tray hosts take raw pixels.

use std::io::Cursor;

/// A decoded icon: width, height and RGBA pixels, row by row.
pub struct Pixels {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

/// Decodes one of the app's own icons (8-bit RGBA PNGs, checked by the tests).
pub fn decode(png: &[u8]) -> Pixels {
    let mut decoder = png::Decoder::new(Cursor::new(png));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::ALPHA);
    let mut reader = decoder.read_info().expect("the app's tray icons are PNGs");
    let mut rgba = vec![0; reader.output_buffer_size().expect("a small icon")];
    let frame = reader
        .next_frame(&mut rgba)
        .expect("the app's tray icons decode");
    rgba.truncate(frame.buffer_size());
    Pixels {
        width: frame.width,
        height: frame.height,
        rgba,
    }
}

impl Pixels {
    /// The pixels as StatusNotifierItem wants them: ARGB32 in network byte order.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    pub fn argb(&self) -> Vec<u8> {
        self.rgba
            .chunks_exact(4)
            .flat_map(|p| [p[3], p[0], p[1], p[2]])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use companion_core::app::Status;
    use companion_desktop::tray_menu::TrayModel;

    #[test]
    fn every_status_icon_decodes_to_64_by_64_rgba() {
        for status in [Status::Ok, Status::Warning, Status::Error, Status::Unknown] {
            let mut model = TrayModel::default();
            model.set_status(status);
            let pixels = decode(model.icon_png());
            assert_eq!((pixels.width, pixels.height), (64, 64), "{status:?}");
            assert_eq!(pixels.rgba.len(), 64 * 64 * 4);
            let argb = pixels.argb();
            assert_eq!(
                argb[..4],
                [
                    pixels.rgba[3],
                    pixels.rgba[0],
                    pixels.rgba[1],
                    pixels.rgba[2]
                ]
            );
        }
    }
}
