import { render } from 'preact';
import { App } from './app/App';
import { applyTheme, storedTheme } from './app/theme';
import './styles/theme.css';
import './styles/app.css';
import './styles/panels.css';

applyTheme(storedTheme());
render(<App />, document.getElementById('app')!);
