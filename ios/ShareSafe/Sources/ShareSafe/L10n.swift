//! Why this exists: one strings table serves the package, the share extension and the app, so
//! the four languages are checked in one place (ios/scripts/check_strings.py) and a screen can
//! never show a raw key. Tables are read from this package's resource bundle.

import Foundation

/// Localized text from the package's Localizable.strings.
public enum L10n {
    /// The languages ShareSafe ships, English first (the fallback).
    public static let supportedLanguages = ["en", "fr", "de", "nl"]

    /// The first supported language among the device's preferred languages, else English.
    public static var currentLanguage: String {
        for preferred in Locale.preferredLanguages {
            let code = String(preferred.prefix(2)).lowercased()
            if supportedLanguages.contains(code) { return code }
        }
        return "en"
    }

    /// The text for `key` in `language` (default: the device's), falling back to English and,
    /// should a key be missing from every table, to the key itself.
    public static func string(_ key: String, language: String? = nil) -> String {
        string(key, language: language, fallback: key)
    }

    /// The text for `key` in `language` (default: the device's), falling back to English and then
    /// to `fallback` (for example the core's English text of a finding newer than these tables).
    public static func string(_ key: String, language: String?, fallback: String) -> String {
        let lang = language ?? currentLanguage
        if let text = table(lang)[key] { return text }
        return table("en")[key] ?? fallback
    }

    /// Whether `language`'s table has its own text for `key` (no fallback).
    public static func has(_ key: String, language: String) -> Bool {
        table(language)[key] != nil
    }

    /// The text for `key` with `%@`/`%d` placeholders filled from `arguments`.
    public static func format(_ key: String, language: String? = nil, _ arguments: CVarArg...) -> String {
        let lang = language ?? currentLanguage
        return String(format: string(key, language: lang), locale: Locale(identifier: lang), arguments: arguments)
    }

    /// Every key of one language's table (for tests and the strings check).
    public static func keys(language: String) -> Set<String> {
        Set(table(language).keys)
    }

    private static let lock = NSLock()
    private static var tables: [String: [String: String]] = [:]

    private static func table(_ language: String) -> [String: String] {
        lock.lock()
        defer { lock.unlock() }
        if let cached = tables[language] { return cached }
        let loaded = loadTable(language)
        tables[language] = loaded
        return loaded
    }

    /// Reads `<language>.lproj/Localizable.strings` (text or, after Xcode's processing, binary
    /// property list) from the resource bundle.
    private static func loadTable(_ language: String) -> [String: String] {
        guard
            let lproj = Bundle.module.path(forResource: language, ofType: "lproj"),
            let data = FileManager.default.contents(atPath: lproj + "/Localizable.strings"),
            let plist = try? PropertyListSerialization.propertyList(from: data, format: nil),
            let table = plist as? [String: String]
        else { return [:] }
        return table
    }
}
