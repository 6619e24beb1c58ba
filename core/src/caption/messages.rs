//! Why this exists: a parent reads the reason for a warning in their own language, in plain words.
//! One table keeps the four translations of each reason side by side, so none is forgotten; ids are
//! stable for apps and tests.

use super::Language;

/// `[en, fr, de, nl]` text for a reason, combination or replacement id.
fn table(id: &str) -> [&'static str; 4] {
    match id {
        "location.town" => [
            "Names the town: together with a photo, strangers can narrow down where the child lives.",
            "Nomme la ville : avec une photo, un inconnu peut deviner où vit l'enfant.",
            "Nennt den Ort: zusammen mit einem Foto können Fremde eingrenzen, wo das Kind wohnt.",
            "Noemt de plaats: samen met een foto kunnen vreemden bepalen waar het kind woont.",
        ],
        "location.address" => [
            "A street address tells anyone exactly where to find the child.",
            "Une adresse dit à n'importe qui où trouver l'enfant.",
            "Eine Adresse verrät jedem genau, wo das Kind zu finden ist.",
            "Een adres vertelt iedereen precies waar het kind te vinden is.",
        ],
        "location.postcode" => [
            "A postcode points to a few streets.",
            "Un code postal désigne quelques rues.",
            "Eine Postleitzahl grenzt auf wenige Straßen ein.",
            "Een postcode wijst een paar straten aan.",
        ],
        "location.home" => [
            "Says the photo was taken at home: the background and any location data then show where home is.",
            "Indique que la photo est prise à la maison : le décor et la localisation montrent alors où.",
            "Sagt, dass das Foto zu Hause entstand: Hintergrund und Standortdaten zeigen dann, wo.",
            "Zegt dat de foto thuis is gemaakt: achtergrond en locatiegegevens laten dan zien waar.",
        ],
        "location.hashtag" => [
            "A place hashtag puts the photo in that place's public feed.",
            "Un hashtag de lieu met la photo dans le fil public de ce lieu.",
            "Ein Orts-Hashtag stellt das Foto in den öffentlichen Feed dieses Ortes.",
            "Een plaats-hashtag zet de foto in de openbare feed van die plaats.",
        ],
        "school.named" => [
            "Names the school, daycare or club: it tells strangers where the child is on weekdays.",
            "Nomme l'école, la crèche ou le club : cela dit où est l'enfant en semaine.",
            "Nennt Schule, Kita oder Verein: so wissen Fremde, wo das Kind unter der Woche ist.",
            "Noemt de school, opvang of club: zo weten vreemden waar het kind doordeweeks is.",
        ],
        "school.type" => [
            "Mentions the kind of school or daycare, which narrows down the child's age and place.",
            "Mentionne le type d'école ou de garde, ce qui précise l'âge et le lieu.",
            "Nennt die Art von Schule oder Betreuung, das grenzt Alter und Ort ein.",
            "Noemt het soort school of opvang, dat verraadt leeftijd en plek.",
        ],
        "school.class" => [
            "The class or school year gives the child's age and, with the school, the classroom.",
            "La classe donne l'âge de l'enfant et, avec l'école, sa salle de classe.",
            "Die Klasse verrät das Alter und, mit der Schule, den Klassenraum.",
            "De groep of klas verraadt de leeftijd en, met de school, het lokaal.",
        ],
        "full_name.name" => [
            "A first and last name make the child searchable and easy to approach by name.",
            "Prénom et nom rendent l'enfant facile à rechercher et à aborder par son nom.",
            "Vor- und Nachname machen das Kind auffindbar und mit Namen ansprechbar.",
            "Voor- en achternaam maken het kind vindbaar en bij naam aan te spreken.",
        ],
        "full_name.name_age" => [
            "The child's name together with their age identifies them.",
            "Le prénom avec l'âge identifie l'enfant.",
            "Der Name zusammen mit dem Alter macht das Kind erkennbar.",
            "De naam samen met de leeftijd maakt het kind herkenbaar.",
        ],
        "age.age" => [
            "The exact age helps strangers pick out and approach the child.",
            "L'âge exact aide un inconnu à repérer et aborder l'enfant.",
            "Das genaue Alter hilft Fremden, das Kind auszumachen und anzusprechen.",
            "De precieze leeftijd helpt vreemden het kind te herkennen en aan te spreken.",
        ],
        "age.birthday" => [
            "A birthday post gives away the date of birth, a key to the child's identity.",
            "Un message d'anniversaire révèle la date de naissance, clé de l'identité.",
            "Ein Geburtstagspost verrät das Geburtsdatum, einen Schlüssel zur Identität.",
            "Een verjaardagsbericht verraadt de geboortedatum, een sleutel tot de identiteit.",
        ],
        "age.birthdate" => [
            "A date of birth is used to prove identity: never post it.",
            "Une date de naissance sert à prouver l'identité : ne la publiez jamais.",
            "Ein Geburtsdatum dient als Identitätsnachweis: nie veröffentlichen.",
            "Een geboortedatum wordt gebruikt om identiteit te bewijzen: nooit posten.",
        ],
        "contact.phone" => [
            "A phone number lets anyone reach your family directly.",
            "Un numéro de téléphone permet à n'importe qui de joindre votre famille.",
            "Mit einer Telefonnummer kann jeder Ihre Familie direkt erreichen.",
            "Met een telefoonnummer kan iedereen uw gezin direct bereiken.",
        ],
        "contact.email" => [
            "An e-mail address lets anyone contact you and link your accounts.",
            "Une adresse e-mail permet de vous contacter et de relier vos comptes.",
            "Eine E-Mail-Adresse erlaubt Kontakt und das Verknüpfen Ihrer Konten.",
            "Een e-mailadres laat iedereen u bereiken en uw accounts koppelen.",
        ],
        "contact.handle" => [
            "A handle links this photo to another profile, often with more photos.",
            "Un identifiant relie la photo à un autre profil, souvent avec d'autres photos.",
            "Ein Handle verknüpft das Foto mit einem Profil, oft mit weiteren Fotos.",
            "Een gebruikersnaam koppelt de foto aan een ander profiel, vaak met meer foto's.",
        ],
        "routine.recurring" => [
            "A routine tells strangers when the child will be somewhere again.",
            "Une habitude dit à un inconnu quand l'enfant sera de nouveau quelque part.",
            "Eine Gewohnheit verrät Fremden, wann das Kind wieder irgendwo ist.",
            "Een vaste gewoonte vertelt vreemden wanneer het kind weer ergens is.",
        ],
        "routine.place" => [
            "A recurring time and place tells strangers where to find the child next time.",
            "Un lieu et un moment réguliers disent où trouver l'enfant la prochaine fois.",
            "Ein regelmäßiger Ort und Zeitpunkt verraten, wo das Kind nächstes Mal ist.",
            "Een vaste plek en tijd vertellen waar het kind de volgende keer is.",
        ],
        "sensitive.word" => [
            "Bath, nappy, swimwear, gymnastics and similar photos are what abusers collect: keep them private.",
            "Bain, couche, maillot, gym… : ce sont les photos que collectent les prédateurs ; gardez-les privées.",
            "Bade-, Windel-, Badeanzug- oder Turnfotos sammeln Täter gezielt: privat halten.",
            "Bad-, luier-, badpak- of turnfoto's worden door daders verzameld: houd ze privé.",
        ],
        "hashtag.sensitive" => [
            "Predators search exactly this hashtag: remove it.",
            "Les prédateurs recherchent exactement ce hashtag : supprimez-le.",
            "Täter suchen genau nach diesem Hashtag: entfernen.",
            "Daders zoeken precies op deze hashtag: verwijderen.",
        ],
        "hashtag.child" => [
            "A public children's hashtag shows the photo to strangers who browse it.",
            "Un hashtag public sur les enfants montre la photo aux inconnus qui le parcourent.",
            "Ein öffentlicher Kinder-Hashtag zeigt das Foto Fremden, die ihn durchsuchen.",
            "Een openbare kinderhashtag toont de foto aan vreemden die erop zoeken.",
        ],
        "hashtag.personal" => [
            "A hashtag made of the child's name finds every photo tagged with it in one search.",
            "Un hashtag fait du prénom de l'enfant retrouve en une recherche toutes les photos qui le portent.",
            "Ein Hashtag aus dem Namen des Kindes findet mit einer Suche jedes Foto, das ihn trägt.",
            "Een hashtag met de naam van het kind vindt met één zoekopdracht elke foto die hem draagt.",
        ],
        "name_and_school" => [
            "Name and school together tell a stranger who the child is and where to wait.",
            "Le nom et l'école ensemble disent qui est l'enfant et où l'attendre.",
            "Name und Schule zusammen verraten, wer das Kind ist und wo man warten kann.",
            "Naam en school samen vertellen wie het kind is en waar je kunt wachten.",
        ],
        "name_and_place" => [
            "Name and town together make the child findable.",
            "Le nom et la ville ensemble rendent l'enfant localisable.",
            "Name und Ort zusammen machen das Kind auffindbar.",
            "Naam en plaats samen maken het kind vindbaar.",
        ],
        "name_and_contact" => [
            "Name and contact details together let a stranger reach the child's family.",
            "Le nom et les coordonnées permettent de joindre la famille.",
            "Name und Kontaktdaten erlauben Fremden, die Familie zu erreichen.",
            "Naam en contactgegevens laten vreemden het gezin bereiken.",
        ],
        "routine_and_place" => [
            "A routine with a place says where the child will be and when.",
            "Une habitude avec un lieu dit où et quand trouver l'enfant.",
            "Eine Gewohnheit mit Ort verrät, wo und wann das Kind zu finden ist.",
            "Een gewoonte met een plek vertelt waar en wanneer het kind te vinden is.",
        ],
        "sensitive_and_identity" => [
            "A sensitive photo tied to a name or place is the worst case: keep it off public feeds.",
            "Une photo sensible liée à un nom ou un lieu est le pire cas : hors des fils publics.",
            "Ein heikles Foto mit Name oder Ort ist der schlimmste Fall: nicht öffentlich teilen.",
            "Een gevoelige foto met naam of plaats is het ergste geval: niet openbaar delen.",
        ],
        "age_school_place" => [
            "Age, school and place together single out one child.",
            "L'âge, l'école et le lieu ensemble désignent un seul enfant.",
            "Alter, Schule und Ort zusammen bestimmen genau ein Kind.",
            "Leeftijd, school en plaats samen wijzen één kind aan.",
        ],
        "rw.school" => ["school", "l'école", "die Schule", "school"],
        "rw.age" => ["is growing up", "grandit", "wird groß", "wordt groot"],
        "rw.routine" => ["sometimes", "parfois", "manchmal", "soms"],
        "rw.name" => ["our little one", "notre petit(e)", "unser Kind", "onze kleine"],
        _ => ["", "", "", ""],
    }
}

/// The text of `id` in `lang` (empty for an unknown id).
pub(crate) fn msg(id: &str, lang: Language) -> &'static str {
    let t = table(id);
    match lang {
        Language::En => t[0],
        Language::Fr => t[1],
        Language::De => t[2],
        Language::Nl => t[3],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_four_translations() {
        for id in [
            "location.town",
            "location.address",
            "location.postcode",
            "location.home",
            "location.hashtag",
            "school.named",
            "school.type",
            "school.class",
            "full_name.name",
            "full_name.name_age",
            "age.age",
            "age.birthday",
            "age.birthdate",
            "contact.phone",
            "contact.email",
            "contact.handle",
            "routine.recurring",
            "routine.place",
            "sensitive.word",
            "hashtag.sensitive",
            "hashtag.child",
            "hashtag.personal",
            "name_and_school",
            "name_and_place",
            "name_and_contact",
            "routine_and_place",
            "sensitive_and_identity",
            "age_school_place",
            "rw.school",
            "rw.age",
            "rw.routine",
            "rw.name",
        ] {
            for l in Language::ALL {
                assert!(!msg(id, l).is_empty(), "{id} {l:?}");
            }
        }
    }
}
