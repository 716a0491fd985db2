import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { DICTIONARIES, type Lang, LANGS, type MessageKey } from './dictionary';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t: Translate;
  /** A DateTime as a Finnish-time date and time in the UI language. */
  dateTime(value: string): string;
  /** A Date (YYYY-MM-DD) as the UI language writes a day. */
  day(value: string): string;
  number(value: number): string;
}

const STORAGE_KEY = 'vartija.console.lang';
const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored && (LANGS as readonly string[]).includes(stored)) return stored as Lang;
  // A Finnish organisation's console: Finnish unless the browser asks for English.
  return navigator.language.toLowerCase().startsWith('en') ? 'en' : 'fi';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(STORAGE_KEY, next);
    setLangState(next);
  }, []);
  const value = useMemo<I18n>(() => {
    const dictionary = DICTIONARIES[lang];
    const locale = lang === 'fi' ? 'fi-FI' : 'en-GB';
    const dateTimeFormat = new Intl.DateTimeFormat(locale, { timeZone: 'Europe/Helsinki', dateStyle: 'short', timeStyle: 'medium' });
    const dayFormat = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', dateStyle: 'medium' });
    const numberFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    return {
      lang,
      setLang,
      t: (key, params) => dictionary[key].replace(/\{(\w+)\}/g, (whole, name: string) => (params && name in params ? String(params[name]) : whole)),
      dateTime: (v) => dateTimeFormat.format(new Date(v)),
      day: (v) => dayFormat.format(new Date(`${v}T00:00:00Z`)),
      number: (v) => numberFormat.format(v),
    };
  }, [lang, setLang]);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = value.t('app.name');
  }, [lang, value]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
