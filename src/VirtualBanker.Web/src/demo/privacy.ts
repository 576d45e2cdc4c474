// The demo bank's privacy notice page: static text, with the shared look.
import '../shared/style.css';
