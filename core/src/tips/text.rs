//! Why this exists: the tip texts, four languages side by side so a missing translation shows in
//! review. Written for parents: short, concrete, no jargon.

use super::TipId;
use crate::caption::Language;

pub(super) fn id(t: TipId) -> &'static str {
    match t {
        TipId::TurnOffCameraLocation => "turn_off_camera_location",
        TipId::CameraLocationAlreadyOff => "camera_location_already_off",
        TipId::FacebookTrackingCode => "facebook_tracking_code",
        TipId::TrackingIdsRemoved => "tracking_ids_removed",
        TipId::NamesInMetadata => "names_in_metadata",
        TipId::HideFaces => "hide_faces",
        TipId::MotionPhoto => "motion_photo",
        TipId::EmbeddedThumbnail => "embedded_thumbnail",
        TipId::DeviceInfo => "device_info",
        TipId::CaptureTime => "capture_time",
        TipId::BackgroundClues => "background_clues",
        TipId::KeepSensitivePhotosPrivate => "keep_sensitive_photos_private",
        TipId::UseCloseFriends => "use_close_friends",
        TipId::NoSearchableHashtags => "no_searchable_hashtags",
        TipId::NoPlaceInCaption => "no_place_in_caption",
        TipId::NoFullName => "no_full_name",
        TipId::NoSchoolName => "no_school_name",
        TipId::NoRoutine => "no_routine",
        TipId::NoBirthDate => "no_birth_date",
        TipId::NoContactDetails => "no_contact_details",
        TipId::IfMisused => "if_misused",
        TipId::AskTheChild => "ask_the_child",
    }
}

type Pair = (&'static str, &'static str);

fn table(t: TipId) -> [Pair; 4] {
    match t {
        TipId::TurnOffCameraLocation => [
            ("Turn off location for the camera", "Your camera saved where this photo was taken. ShareSafe removed it, but the next photo will have it again: turn off location access for the camera app in your phone's settings."),
            ("Désactivez la localisation de l'appareil photo", "Votre appareil photo a enregistré le lieu de la prise de vue. ShareSafe l'a retiré, mais la prochaine photo l'aura à nouveau : désactivez l'accès à la position pour l'app Appareil photo dans les réglages."),
            ("Standort für die Kamera ausschalten", "Ihre Kamera hat gespeichert, wo das Foto entstand. ShareSafe hat es entfernt, das nächste Foto hat es aber wieder: schalten Sie in den Einstellungen den Standortzugriff der Kamera-App aus."),
            ("Zet locatie uit voor de camera", "Uw camera heeft opgeslagen waar deze foto is gemaakt. ShareSafe heeft dat verwijderd, maar de volgende foto heeft het weer: zet in de instellingen locatietoegang voor de camera-app uit."),
        ],
        TipId::CameraLocationAlreadyOff => [
            ("Location is already off", "This photo carried no real position: your camera's location setting is off. Keep it that way."),
            ("La localisation est déjà désactivée", "Cette photo ne contenait pas de position réelle : la localisation de l'appareil photo est désactivée. Gardez ce réglage."),
            ("Standort ist bereits aus", "Dieses Foto enthielt keine echte Position: der Standort der Kamera ist ausgeschaltet. Lassen Sie es so."),
            ("Locatie staat al uit", "Deze foto bevatte geen echte positie: locatie staat uit voor de camera. Laat dat zo."),
        ],
        TipId::FacebookTrackingCode => [
            ("A Facebook tracking code was removed", "Photos saved from Facebook or Instagram carry an \"FBMD\" code that can lead a copy back to the account it came from. Investigators found stolen children's photos traced this way. ShareSafe removed it."),
            ("Un code de suivi Facebook a été retiré", "Les photos enregistrées depuis Facebook ou Instagram portent un code « FBMD » qui permet de remonter au compte d'origine d'une copie. Des photos d'enfants volées ont été retrouvées ainsi. ShareSafe l'a retiré."),
            ("Ein Facebook-Tracking-Code wurde entfernt", "Aus Facebook oder Instagram gespeicherte Fotos tragen einen „FBMD“-Code, über den sich eine Kopie zum Ursprungskonto zurückverfolgen lässt. So wurden gestohlene Kinderfotos zugeordnet. ShareSafe hat ihn entfernt."),
            ("Een Facebook-trackingcode is verwijderd", "Foto's die van Facebook of Instagram zijn opgeslagen, dragen een \"FBMD\"-code waarmee een kopie naar het oorspronkelijke account te herleiden is. Zo zijn gestolen kinderfoto's herleid. ShareSafe heeft hem verwijderd."),
        ],
        TipId::TrackingIdsRemoved => [
            ("Unique ids were removed", "The file carried ids that can link copies of this photo to each other and to your phone. ShareSafe removed them."),
            ("Des identifiants uniques ont été retirés", "Le fichier contenait des identifiants qui relient les copies de la photo entre elles et à votre téléphone. ShareSafe les a retirés."),
            ("Eindeutige Kennungen wurden entfernt", "Die Datei enthielt Kennungen, die Kopien dieses Fotos miteinander und mit Ihrem Telefon verknüpfen. ShareSafe hat sie entfernt."),
            ("Unieke id's zijn verwijderd", "Het bestand bevatte id's die kopieën van deze foto aan elkaar en aan uw telefoon koppelen. ShareSafe heeft ze verwijderd."),
        ],
        TipId::NamesInMetadata => [
            ("Names were stored in the photo", "Your photo app had tagged people by name inside the file. ShareSafe removed them; consider turning off face tagging in shared albums."),
            ("Des noms étaient enregistrés dans la photo", "Votre app photo avait identifié des personnes par leur nom dans le fichier. ShareSafe les a retirés ; pensez à désactiver l'identification des visages dans les albums partagés."),
            ("Im Foto waren Namen gespeichert", "Ihre Foto-App hatte Personen mit Namen in der Datei markiert. ShareSafe hat sie entfernt; schalten Sie die Gesichtsmarkierung in geteilten Alben besser aus."),
            ("Er stonden namen in de foto", "Uw foto-app had personen bij naam in het bestand gemarkeerd. ShareSafe heeft ze verwijderd; zet gezichtsherkenning in gedeelde albums liever uit."),
        ],
        TipId::HideFaces => [
            ("Hide the face properly", "An emoji sticker can be removed or replaced by AI, and a blur can be undone. ShareSafe's face cover destroys the pixels first, so nothing is left to recover; or choose a photo from behind or from the side."),
            ("Masquez vraiment le visage", "Un émoji peut être retiré ou remplacé par l'IA, et un flou peut être annulé. Le masque de ShareSafe détruit d'abord les pixels : il ne reste rien à récupérer. Ou choisissez une photo de dos ou de profil."),
            ("Gesicht richtig verbergen", "Ein Emoji lässt sich per KI entfernen oder ersetzen, und eine Unschärfe lässt sich rückgängig machen. Die Abdeckung von ShareSafe zerstört zuerst die Pixel, es bleibt nichts wiederherzustellen. Oder wählen Sie ein Foto von hinten oder von der Seite."),
            ("Verberg het gezicht echt", "Een emoji kan met AI worden verwijderd of vervangen, en vervaging kan worden teruggedraaid. De afdekking van ShareSafe vernietigt eerst de pixels, zodat er niets te herstellen valt. Of kies een foto van achteren of opzij."),
        ],
        TipId::MotionPhoto => [
            ("This was a motion photo", "Live and motion photos hide a short video with sound inside the picture. ShareSafe removed it; share as a still photo."),
            ("C'était une photo animée", "Les photos Live ou animées cachent une courte vidéo avec le son dans l'image. ShareSafe l'a retirée ; partagez une photo fixe."),
            ("Das war ein Bewegtfoto", "Live- und Bewegtfotos verstecken ein kurzes Video mit Ton im Bild. ShareSafe hat es entfernt; teilen Sie ein Standbild."),
            ("Dit was een bewegende foto", "Live- en bewegende foto's verbergen een korte video met geluid in de foto. ShareSafe heeft die verwijderd; deel een stilstaande foto."),
        ],
        TipId::EmbeddedThumbnail => [
            ("A hidden preview was removed", "The file carried a small preview that can show the photo before you cropped or edited it. ShareSafe removed it."),
            ("Un aperçu caché a été retiré", "Le fichier contenait une miniature qui peut montrer la photo avant recadrage ou retouche. ShareSafe l'a retirée."),
            ("Eine versteckte Vorschau wurde entfernt", "Die Datei enthielt eine kleine Vorschau, die das Foto vor dem Zuschneiden oder Bearbeiten zeigen kann. ShareSafe hat sie entfernt."),
            ("Een verborgen voorbeeld is verwijderd", "Het bestand bevatte een kleine voorvertoning die de foto van vóór het bijsnijden of bewerken kan tonen. ShareSafe heeft die verwijderd."),
        ],
        TipId::DeviceInfo => [
            ("Phone details were removed", "The file named the phone and software that took it, which helps link your photos together. ShareSafe removed it."),
            ("Les détails du téléphone ont été retirés", "Le fichier indiquait le téléphone et le logiciel utilisés, ce qui aide à relier vos photos. ShareSafe les a retirés."),
            ("Gerätedaten wurden entfernt", "Die Datei nannte Telefon und Software, was hilft, Ihre Fotos miteinander zu verknüpfen. ShareSafe hat sie entfernt."),
            ("Toestelgegevens zijn verwijderd", "Het bestand noemde de telefoon en software, wat helpt uw foto's aan elkaar te koppelen. ShareSafe heeft dat verwijderd."),
        ],
        TipId::CaptureTime => [
            ("Post later, not live", "Times of capture and live posts tell where the child is right now. Share after you have left, and vary the times."),
            ("Publiez plus tard, pas en direct", "L'heure de prise de vue et les publications en direct disent où est l'enfant maintenant. Partagez après être parti, à des heures variées."),
            ("Später posten, nicht live", "Aufnahmezeit und Live-Posts verraten, wo das Kind gerade ist. Teilen Sie erst, wenn Sie weg sind, und zu wechselnden Zeiten."),
            ("Post later, niet live", "Opnametijd en live posts vertellen waar het kind nu is. Deel pas als u weg bent, en op wisselende tijden."),
        ],
        TipId::BackgroundClues => [
            ("Check the background", "A school logo, a uniform, a house number or a street sign locates the child as surely as GPS. Crop it out, or cover it with ShareSafe's fill."),
            ("Vérifiez l'arrière-plan", "Un logo d'école, un uniforme, un numéro de maison ou une plaque de rue localisent l'enfant aussi sûrement qu'un GPS. Recadrez, ou couvrez-le avec le masque de ShareSafe."),
            ("Hintergrund prüfen", "Schullogo, Uniform, Hausnummer oder Straßenschild verraten den Ort so sicher wie GPS. Zuschneiden oder mit der Abdeckung von ShareSafe verdecken."),
            ("Controleer de achtergrond", "Een schoollogo, uniform, huisnummer of straatnaambord verraadt de plek net zo goed als gps. Snijd het weg of dek het af met ShareSafe."),
        ],
        TipId::KeepSensitivePhotosPrivate => [
            ("Don't post this photo publicly", "Bath, beach, swimwear, nappy and gymnastics photos are exactly what abusers collect, even harmless ones. Keep them for family, in private."),
            ("Ne publiez pas cette photo publiquement", "Photos de bain, de plage, en maillot, en couche ou de gym : c'est exactement ce que collectent les agresseurs, même anodines. Gardez-les en famille, en privé."),
            ("Dieses Foto nicht öffentlich posten", "Bade-, Strand-, Badeanzug-, Windel- und Turnfotos sammeln Täter gezielt, auch harmlose. Nur privat in der Familie teilen."),
            ("Post deze foto niet openbaar", "Bad-, strand-, badpak-, luier- en turnfoto's worden door daders verzameld, ook onschuldige. Deel ze alleen privé met familie."),
        ],
        TipId::UseCloseFriends => [
            ("Share with close friends only", "Use a close-friends list or a private account so only people you know see your child. Child-protection agencies advise this first."),
            ("Partagez avec vos proches seulement", "Utilisez une liste d'amis proches ou un compte privé pour que seules des personnes que vous connaissez voient votre enfant."),
            ("Nur mit engen Freunden teilen", "Nutzen Sie eine Liste enger Freunde oder ein privates Konto, damit nur Bekannte Ihr Kind sehen."),
            ("Deel alleen met goede vrienden", "Gebruik een lijst met goede vrienden of een privéaccount, zodat alleen mensen die u kent uw kind zien."),
        ],
        TipId::NoSearchableHashtags => [
            ("No searchable hashtags", "Hashtags put your photo in a public feed that anyone can browse, and some are searched by predators. Remove them."),
            ("Pas de hashtags recherchables", "Les hashtags placent votre photo dans un fil public que n'importe qui peut parcourir, et certains sont recherchés par des prédateurs. Retirez-les."),
            ("Keine durchsuchbaren Hashtags", "Hashtags stellen Ihr Foto in einen öffentlichen Feed, den jeder durchsuchen kann, manche suchen Täter gezielt. Entfernen Sie sie."),
            ("Geen doorzoekbare hashtags", "Hashtags zetten uw foto in een openbare feed die iedereen kan doorzoeken, en op sommige zoeken daders gericht. Verwijder ze."),
        ],
        TipId::NoPlaceInCaption => [
            ("Leave the place out", "The town, street or venue in a caption tells strangers where to look. Say \"at the park\", not which park."),
            ("Ne dites pas où", "La ville, la rue ou le lieu dans une légende disent où chercher. Écrivez « au parc », pas lequel."),
            ("Den Ort weglassen", "Ort, Straße oder Treffpunkt in der Bildunterschrift verraten, wo man suchen muss. Schreiben Sie „im Park“, nicht welcher."),
            ("Laat de plaats weg", "De plaats, straat of locatie in een bijschrift vertelt vreemden waar ze moeten zoeken. Zeg \"in het park\", niet welk park."),
        ],
        TipId::NoFullName => [
            ("First name at most", "A full name makes your child searchable and lets a stranger call them by name. Use a nickname or no name."),
            ("Le prénom au plus", "Un nom complet rend votre enfant recherchable et permet à un inconnu de l'appeler par son nom. Utilisez un surnom, ou rien."),
            ("Höchstens den Vornamen", "Ein voller Name macht Ihr Kind auffindbar und erlaubt Fremden, es mit Namen anzusprechen. Spitzname oder gar kein Name."),
            ("Hooguit de voornaam", "Een volledige naam maakt uw kind vindbaar en laat een vreemde het bij naam aanspreken. Gebruik een bijnaam of geen naam."),
        ],
        TipId::NoSchoolName => [
            ("Don't name the school", "A school, daycare or club name tells where your child is every weekday. Also check uniforms and logos in the photo."),
            ("Ne nommez pas l'école", "Le nom de l'école, de la crèche ou du club dit où est votre enfant chaque jour. Vérifiez aussi uniformes et logos sur la photo."),
            ("Schule nicht nennen", "Der Name von Schule, Kita oder Verein verrät, wo Ihr Kind jeden Werktag ist. Prüfen Sie auch Uniformen und Logos im Foto."),
            ("Noem de school niet", "De naam van school, opvang of club vertelt waar uw kind elke werkdag is. Let ook op uniformen en logo's op de foto."),
        ],
        TipId::NoRoutine => [
            ("Don't announce routines", "\"Every Saturday at the pool\" tells a stranger where your child will be next week. Post about it afterwards, without the schedule."),
            ("N'annoncez pas les habitudes", "« Tous les samedis à la piscine » dit à un inconnu où sera votre enfant la semaine prochaine. Publiez après coup, sans l'horaire."),
            ("Keine Gewohnheiten ankündigen", "„Jeden Samstag im Schwimmbad“ verrät Fremden, wo Ihr Kind nächste Woche ist. Hinterher posten, ohne Zeitplan."),
            ("Kondig geen vaste gewoontes aan", "\"Elke zaterdag in het zwembad\" vertelt een vreemde waar uw kind volgende week is. Post achteraf, zonder schema."),
        ],
        TipId::NoBirthDate => [
            ("Keep birthdays vague", "A date of birth is used to prove identity and follows your child for life. Celebrate without the date or exact age."),
            ("Restez vague sur l'anniversaire", "La date de naissance sert à prouver l'identité et suit votre enfant toute sa vie. Fêtez sans la date ni l'âge exact."),
            ("Geburtstage vage halten", "Das Geburtsdatum dient als Identitätsnachweis und begleitet Ihr Kind ein Leben lang. Feiern Sie ohne Datum und genaues Alter."),
            ("Houd verjaardagen vaag", "Een geboortedatum wordt gebruikt om identiteit te bewijzen en blijft uw kind een leven lang volgen. Vier het zonder datum of precieze leeftijd."),
        ],
        TipId::NoContactDetails => [
            ("No contact details", "Phone numbers, e-mail addresses and other handles let strangers reach your family directly. Send them privately instead."),
            ("Pas de coordonnées", "Numéros, adresses e-mail et autres identifiants permettent de joindre directement votre famille. Envoyez-les en privé."),
            ("Keine Kontaktdaten", "Telefonnummern, E-Mail-Adressen und Handles erlauben Fremden, Ihre Familie direkt zu erreichen. Privat schicken."),
            ("Geen contactgegevens", "Telefoonnummers, e-mailadressen en gebruikersnamen laten vreemden uw gezin direct bereiken. Stuur ze privé."),
        ],
        TipId::IfMisused => [
            ("If a photo is misused", "StopNCII and Take It Down (NCMEC) can find and remove copies of your child's photo across platforms. Report to the police or a hotline (Bee Secure Stopline in Luxembourg, Pharos in France); keep evidence but never download the images."),
            ("Si une photo est détournée", "StopNCII et Take It Down (NCMEC) retrouvent et suppriment les copies de la photo de votre enfant sur les plateformes. Signalez à la police ou à une plateforme (Pharos en France, Bee Secure Stopline au Luxembourg) ; gardez les preuves sans télécharger les images."),
            ("Wenn ein Foto missbraucht wird", "StopNCII und Take It Down (NCMEC) finden und entfernen Kopien des Fotos Ihres Kindes auf Plattformen. Melden Sie es der Polizei oder einer Meldestelle (Bee Secure Stopline in Luxemburg); Beweise sichern, Bilder nie herunterladen."),
            ("Als een foto wordt misbruikt", "StopNCII en Take It Down (NCMEC) vinden en verwijderen kopieën van de foto van uw kind op platforms. Meld het bij de politie of een meldpunt (Meldpunt Kinderporno, Bee Secure Stopline in Luxemburg); bewaar bewijs, download de beelden nooit."),
        ],
        TipId::AskTheChild => [
            ("Ask your child", "From an early age, ask your child whether they are happy for a photo to be shared. It is their image, and their future."),
            ("Demandez à votre enfant", "Dès le plus jeune âge, demandez à votre enfant s'il est d'accord pour partager une photo. C'est son image, et son avenir."),
            ("Fragen Sie Ihr Kind", "Fragen Sie Ihr Kind schon früh, ob es einverstanden ist, dass ein Foto geteilt wird. Es ist sein Bild und seine Zukunft."),
            ("Vraag het uw kind", "Vraag uw kind al jong of het goed vindt dat een foto wordt gedeeld. Het is zijn beeld, en zijn toekomst."),
        ],
    }
}

pub(super) fn text(t: TipId, lang: Language) -> Pair {
    let row = table(t);
    match lang {
        Language::En => row[0],
        Language::Fr => row[1],
        Language::De => row[2],
        Language::Nl => row[3],
    }
}
