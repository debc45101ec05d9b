import { render } from 'preact';
import { App } from './app/App';
import { applyTheme, initialTheme } from './app/theme';
import './styles/theme.css';
import './styles/app.css';
import './styles/panels.css';

applyTheme(initialTheme(), { remember: false });
render(<App />, document.getElementById('app')!);
