python manage.py stub
