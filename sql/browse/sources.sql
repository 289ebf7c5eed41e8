-- Every registered source: id, display name, category (news | official), language, domain.
SELECT id, name, category, lang, domain, kind, enabled FROM sources ORDER BY id;
