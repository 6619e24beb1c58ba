//! Why this exists: the apps show every finding in the parent's language. The core names each
//! finding by a stable id ([`FindingId`], serialised as `snake_case`) and keeps the English title and
//! explanation here, in one screen, so translators get a fixed list of strings and the JSON schema
//! can list every id. Changing an id is a schema change; changing the English text is not.

use serde::Serialize;

use super::{FindingKind, Severity, Signal};

/// What a finding is. The serialised name (`gps_position`, `facebook_fbmd`, …) is the stable id the
/// apps translate; [`FindingId::title`] and [`FindingId::explanation`] give the English text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FindingId {
    /// GPS latitude and longitude of where the photo was taken.
    GpsPosition,
    /// GPS tags are present but hold 0,0: the phone already blanked the location.
    GpsZeroed,
    /// Height above sea level from GPS.
    GpsAltitude,
    /// A place name: city, sublocation, region, country, a named location.
    PlaceName,
    /// A person's name tagged in the photo.
    PersonName,
    /// How many face (or person) regions are tagged in the photo.
    FaceRegions,
    /// Facebook's FBMD code in IPTC.
    FacebookFbmd,
    /// An identifier that follows the picture (EXIF ImageUniqueID, XMP document/instance IDs,
    /// Apple content/burst identifiers, Google burst IDs).
    UniqueId,
    /// Serial number of the camera body or lens.
    SerialNumber,
    /// The camera owner's name.
    OwnerName,
    /// Artist, author, creator or copyright holder.
    AuthorCopyright,
    /// Camera make and model.
    Device,
    /// Lens make and model.
    Lens,
    /// Software that made or edited the photo.
    Software,
    /// Editing history (XMP history, edit settings).
    EditingHistory,
    /// Camera maker's private data block (maker note).
    MakerNote,
    /// When the photo was taken, with its time zone when known.
    CaptureTime,
    /// A small preview picture stored inside the file.
    Thumbnail,
    /// The stored preview shows a different picture from the photo itself.
    ThumbnailDiffers,
    /// Extra pictures stored in the file (MPF images, an original before editing).
    ExtraImages,
    /// A depth map or HDR gain map.
    DepthOrGainMap,
    /// A motion-photo video stored after the picture.
    MotionPhotoVideo,
    /// Other data stored after the end of the picture (vendor blocks, unknown data).
    HiddenData,
    /// A provenance manifest (C2PA / JUMBF).
    ProvenanceManifest,
    /// A description, caption or headline.
    Description,
    /// A title.
    Title,
    /// Keywords or tags.
    Keywords,
    /// A comment or user comment.
    Comment,
    /// A metadata block that could not be read (damaged, or too large to read fully); the clean
    /// removes it anyway.
    UnreadableMetadata,
}

impl FindingId {
    /// Every id, in the order the report sorts equal severities (used by the schema test and by
    /// translators).
    pub const ALL: &'static [FindingId] = &[
        FindingId::GpsPosition,
        FindingId::GpsZeroed,
        FindingId::GpsAltitude,
        FindingId::PlaceName,
        FindingId::PersonName,
        FindingId::FaceRegions,
        FindingId::FacebookFbmd,
        FindingId::UniqueId,
        FindingId::SerialNumber,
        FindingId::OwnerName,
        FindingId::AuthorCopyright,
        FindingId::Device,
        FindingId::Lens,
        FindingId::Software,
        FindingId::EditingHistory,
        FindingId::MakerNote,
        FindingId::CaptureTime,
        FindingId::Thumbnail,
        FindingId::ThumbnailDiffers,
        FindingId::ExtraImages,
        FindingId::DepthOrGainMap,
        FindingId::MotionPhotoVideo,
        FindingId::HiddenData,
        FindingId::ProvenanceManifest,
        FindingId::Description,
        FindingId::Title,
        FindingId::Keywords,
        FindingId::Comment,
        FindingId::UnreadableMetadata,
    ];

    /// The stable id as a string (the serialised form).
    pub fn as_str(self) -> &'static str {
        match self {
            FindingId::GpsPosition => "gps_position",
            FindingId::GpsZeroed => "gps_zeroed",
            FindingId::GpsAltitude => "gps_altitude",
            FindingId::PlaceName => "place_name",
            FindingId::PersonName => "person_name",
            FindingId::FaceRegions => "face_regions",
            FindingId::FacebookFbmd => "facebook_fbmd",
            FindingId::UniqueId => "unique_id",
            FindingId::SerialNumber => "serial_number",
            FindingId::OwnerName => "owner_name",
            FindingId::AuthorCopyright => "author_copyright",
            FindingId::Device => "device",
            FindingId::Lens => "lens",
            FindingId::Software => "software",
            FindingId::EditingHistory => "editing_history",
            FindingId::MakerNote => "maker_note",
            FindingId::CaptureTime => "capture_time",
            FindingId::Thumbnail => "thumbnail",
            FindingId::ThumbnailDiffers => "thumbnail_differs",
            FindingId::ExtraImages => "extra_images",
            FindingId::DepthOrGainMap => "depth_or_gain_map",
            FindingId::MotionPhotoVideo => "motion_photo_video",
            FindingId::HiddenData => "hidden_data",
            FindingId::ProvenanceManifest => "provenance_manifest",
            FindingId::Description => "description",
            FindingId::Title => "title",
            FindingId::Keywords => "keywords",
            FindingId::Comment => "comment",
            FindingId::UnreadableMetadata => "unreadable_metadata",
        }
    }

    /// Which group the finding belongs to.
    pub fn kind(self) -> FindingKind {
        use FindingId::*;
        match self {
            GpsPosition | GpsZeroed | GpsAltitude | PlaceName => FindingKind::Location,
            PersonName | FaceRegions => FindingKind::People,
            FacebookFbmd | UniqueId | SerialNumber | OwnerName | AuthorCopyright => {
                FindingKind::TrackingId
            }
            Device | Lens | Software | EditingHistory | MakerNote => FindingKind::Device,
            CaptureTime => FindingKind::Time,
            Thumbnail | ThumbnailDiffers | ExtraImages | DepthOrGainMap | MotionPhotoVideo
            | HiddenData | ProvenanceManifest => FindingKind::HiddenContent,
            Description | Title | Keywords | Comment => FindingKind::FreeText,
            UnreadableMetadata => FindingKind::Unreadable,
        }
    }

    /// How much the finding matters for a child's privacy.
    pub fn severity(self) -> Severity {
        use FindingId::*;
        match self {
            GpsPosition | PlaceName | PersonName | FacebookFbmd | OwnerName | ThumbnailDiffers
            | MotionPhotoVideo => Severity::High,
            GpsAltitude | FaceRegions | UniqueId | SerialNumber | AuthorCopyright | CaptureTime
            | Thumbnail | ExtraImages | DepthOrGainMap | HiddenData | Description | Title
            | Keywords | Comment => Severity::Medium,
            GpsZeroed | Device | Lens | Software | EditingHistory | MakerNote
            | ProvenanceManifest | UnreadableMetadata => Severity::Info,
        }
    }

    /// The tip signal this finding raises, if any (see [`Signal`]).
    pub fn signal(self) -> Option<Signal> {
        use FindingId::*;
        match self {
            GpsPosition | GpsAltitude | PlaceName => Some(Signal::GpsLocation),
            GpsZeroed => Some(Signal::GpsZeroed),
            FacebookFbmd => Some(Signal::Fbmd),
            UniqueId | SerialNumber | OwnerName | AuthorCopyright => Some(Signal::OtherTrackingId),
            PersonName => Some(Signal::PeopleNamed),
            FaceRegions => Some(Signal::Faces),
            MotionPhotoVideo => Some(Signal::HiddenVideo),
            Thumbnail | ThumbnailDiffers => Some(Signal::Thumbnail),
            Device | Lens => Some(Signal::Device),
            CaptureTime => Some(Signal::CaptureTime),
            Software | EditingHistory | MakerNote | ExtraImages | DepthOrGainMap | HiddenData
            | ProvenanceManifest | Description | Title | Keywords | Comment
            | UnreadableMetadata => None,
        }
    }

    /// A short English title (the apps translate by [`FindingId::as_str`]).
    pub fn title(self) -> &'static str {
        use FindingId::*;
        match self {
            GpsPosition => "Where the photo was taken",
            GpsZeroed => "Location already hidden by your phone",
            GpsAltitude => "Height above sea level",
            PlaceName => "Place name",
            PersonName => "Name of a person in the photo",
            FaceRegions => "Tagged faces",
            FacebookFbmd => "Facebook tracking code (FBMD)",
            UniqueId => "Unique photo identifier",
            SerialNumber => "Camera or lens serial number",
            OwnerName => "Camera owner's name",
            AuthorCopyright => "Author or copyright holder",
            Device => "Camera or phone model",
            Lens => "Lens",
            Software => "Software",
            EditingHistory => "Editing history",
            MakerNote => "Camera maker's private data",
            CaptureTime => "When the photo was taken",
            Thumbnail => "Hidden preview picture",
            ThumbnailDiffers => "Hidden preview shows a different picture",
            ExtraImages => "Extra pictures inside the file",
            DepthOrGainMap => "Depth map or HDR gain map",
            MotionPhotoVideo => "Hidden video (motion photo)",
            HiddenData => "Hidden data after the picture",
            ProvenanceManifest => "Provenance record (C2PA)",
            Description => "Description or caption",
            Title => "Title",
            Keywords => "Keywords or tags",
            Comment => "Comment",
            UnreadableMetadata => "Unreadable metadata block",
        }
    }

    /// A plain-words English explanation of why it matters.
    pub fn explanation(self) -> &'static str {
        use FindingId::*;
        match self {
            GpsPosition => "The photo records the exact spot where it was taken, often your home or your child's school. Anyone who gets the file can put it on a map.",
            GpsZeroed => "The location tags are there but empty: your phone already hid the location. ShareSafe removes the empty tags too.",
            GpsAltitude => "The height above sea level can tell which floor of a building the photo was taken on.",
            PlaceName => "A city, street or place is written into the photo.",
            PersonName => "Someone tagged a person in this photo by name. The name travels with the file.",
            FaceRegions => "The photo marks where faces are, so apps can recognise the same people again.",
            FacebookFbmd => "Facebook wrote a code into this photo that can link every copy back to the account that first uploaded it.",
            UniqueId => "An identifier that stays the same in every copy, so copies can be traced back to one camera or one original.",
            SerialNumber => "The serial number identifies your camera or lens, and links every photo taken with it.",
            OwnerName => "The name of the camera's owner is written into the photo.",
            AuthorCopyright => "A name of the author or copyright holder is written into the photo.",
            Device => "The make and model of the camera or phone that took the photo.",
            Lens => "The lens used; together with the camera it narrows down whose device took the photo.",
            Software => "The app or phone software that made or edited the photo.",
            EditingHistory => "A record of the apps and edits the photo went through.",
            MakerNote => "A block of the camera maker's own data, which can hold serial numbers, face detections and identifiers.",
            CaptureTime => "The date and time the photo was taken, which reveals your child's routine.",
            Thumbnail => "A small copy of the picture is stored inside the file. It can survive cropping and editing.",
            ThumbnailDiffers => "The hidden preview shows a different picture from the photo: it may be the uncropped original, showing what you cropped out.",
            ExtraImages => "More pictures are stored in the file besides the one you see.",
            DepthOrGainMap => "A depth map or brightness map of the scene is stored with the photo.",
            MotionPhotoVideo => "A short video recorded around the moment of the photo is hidden in the file, with sound and the seconds before and after.",
            HiddenData => "Data the camera or an app stored after the end of the picture.",
            ProvenanceManifest => "A record of who made or edited the photo and with what.",
            Description => "A description written into the photo. It may name your child or a place.",
            Title => "A title written into the photo. It may name your child or a place.",
            Keywords => "Keywords or tags written into the photo. They may name people or places.",
            Comment => "A comment written into the photo. It may name your child or a place.",
            UnreadableMetadata => "Part of the photo's hidden data could not be read (damaged or too large). ShareSafe removes it anyway.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_str_matches_the_serialised_id_for_every_finding() {
        for id in FindingId::ALL {
            let json = serde_json::to_string(id).expect("serialises");
            assert_eq!(json, format!("\"{}\"", id.as_str()));
            assert!(!id.title().is_empty() && id.explanation().len() > 20);
        }
    }
}
