import { useEffect, useState } from 'preact/hooks';
import { homeDashboard } from '../api/client';
import { readSetting, writeSetting } from '../app/storage';
import { DashboardView } from '../dashboard/DashboardView';
import { DashboardList } from './DashboardList';

const PERSONAS = [
  { value: 'operations', label: 'Operations' },
  { value: 'business', label: 'Business' },
] as const;

type Persona = (typeof PERSONAS)[number]['value'];

function storedPersona(): Persona | null {
  const stored = readSetting('persona');
  return PERSONAS.some((persona) => persona.value === stored) ? (stored as Persona) : null;
}

/** The persona's home dashboard, with the dashboard lists beside it. */
export function HomePage() {
  // No choice yet: the server's default persona decides.
  const [persona, setPersona] = useState<Persona | null>(storedPersona);
  const [uid, setUid] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    homeDashboard(persona ?? '', controller.signal)
      .then((home) => {
        setUid(home.uid);
        if (!persona) setPersona(home.persona as Persona);
      })
      .catch((reason: unknown) => {
        if (!controller.signal.aborted) setError(reason instanceof Error ? reason.message : String(reason));
      });
    return () => controller.abort();
  }, [persona]);

  const choose = (next: Persona): void => {
    writeSetting('persona', next);
    setPersona(next);
  };

  return (
    <div class="home">
      <div class="home-main">
        <fieldset class="persona-picker">
          <legend>Home for</legend>
          {PERSONAS.map((option) => (
            <label key={option.value} class="segment">
              <input
                type="radio"
                name="persona"
                value={option.value}
                checked={persona === option.value}
                onChange={() => choose(option.value)}
              />
              {option.label}
            </label>
          ))}
        </fieldset>
        {error ? (
          <p role="alert" class="banner-error">
            The home dashboard could not be loaded: {error}
          </p>
        ) : uid ? (
          <DashboardView uid={uid} home />
        ) : (
          <p class="muted">Loading…</p>
        )}
      </div>
      <DashboardList />
    </div>
  );
}
